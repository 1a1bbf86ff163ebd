import type { Command } from '../command.js';
import { notAvailableYet } from './not-available.js';

/** `molecule-agent hash <dir>`: the Python SDK's plugin content hash of a directory. */
export const hashCommand: Command = {
  name: 'hash',
  summary: 'print the plugin content hash of a directory (the Python SDK algorithm)',
  description: `Computes the plugin content hash of a directory exactly as the Python SDK's
compute_plugin_sha256 does: SHA-256 over the sorted [path, sha256] pairs of every file except the
root plugin.yaml. Put the result in plugin.yaml's sha256 field, or pin it with 'verify'.`,
  positionals: [{ name: 'dir', description: 'the plugin directory' }],
  flags: [],
  uses: [],
  examples: ['molecule-agent hash ./my-plugin', 'molecule-agent hash ./my-plugin --json'],
  async run() {
    throw notAvailableYet('hash', 'the plugin directory hash from the plugins module');
  },
};

/** `molecule-agent verify <dir> <sha256>`: compares a directory's content hash with an expected one. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check a directory against an expected plugin content hash (exit 1 on mismatch)',
  description: `Computes the plugin content hash of a directory (see 'hash') and compares it with the
expected value. Exits 0 when they match and 1 when they differ; an expected value that is not
64 lowercase hex characters is a usage error (2).`,
  positionals: [
    { name: 'dir', description: 'the plugin directory' },
    { name: 'sha256', description: 'the expected hash, 64 lowercase hex characters' },
  ],
  flags: [],
  uses: [],
  examples: ['molecule-agent verify ./my-plugin 38bd9361...f10d'],
  async run() {
    throw notAvailableYet('verify', 'the plugin directory hash from the plugins module');
  },
};
