import type { Command } from '../command.js';
import { connectCommand } from './connect.js';
import { hashCommand, verifyCommand, verifySha256Command } from './hash.js';
import { installPluginCommand } from './install-plugin.js';
import { peersCommand } from './peers.js';
import { registerCommand } from './register.js';
import { stateCommand } from './state.js';
import { tokenCommand } from './token.js';
import { tokenRecoverCommand } from './token-recover.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  connectCommand,
  registerCommand,
  stateCommand,
  peersCommand,
  installPluginCommand,
  hashCommand,
  verifyCommand,
  verifySha256Command,
  tokenCommand,
  tokenRecoverCommand,
];
