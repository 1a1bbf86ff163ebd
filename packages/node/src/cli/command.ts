import type { Logger } from '@molecule-ai/agent-core';
import type { CliIo } from './cli-io.js';
import type { ExitCodeValue } from './exit-codes.js';
import type { FlagSpec } from './flag-spec.js';
import type { Settings } from './settings.js';

/** What a running command gets: parsed settings, its positionals, output helpers and a logger. */
export interface CommandContext {
  io: CliIo;
  settings: Settings;
  positionals: string[];
  json: boolean;
  verbose: boolean;
  logger: Logger;
  /** Writes a line to stdout (human output; commands skip it in JSON mode). */
  print(line: string): void;
  /** Writes one JSON document to stdout. */
  printJson(value: unknown): void;
}

/** A positional argument, for help and arity checks. */
export interface PositionalSpec {
  name: string;
  description: string;
  optional?: boolean;
}

/** One `molecule-agent` command. */
export interface Command {
  /** As typed, e.g. `token recover`. */
  name: string;
  summary: string;
  /** Longer help text shown by `<command> --help`. */
  description: string;
  positionals: readonly PositionalSpec[];
  /** Options of this command only (the global ones are always accepted). */
  flags: readonly FlagSpec[];
  /** The global options this command reads, listed in its help. */
  uses: readonly string[];
  /** Extra lines for the help's Examples section. */
  examples: readonly string[];
  run(context: CommandContext): Promise<ExitCodeValue>;
}
