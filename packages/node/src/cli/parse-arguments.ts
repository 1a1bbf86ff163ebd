import { ConfigError } from '@molecule-ai/agent-core';
import type { FlagSpec } from './flag-spec.js';

/** The result of {@link parseArguments}: option values by name, and the remaining words. */
export interface ParsedArguments {
  /** Values given on the command line; booleans are `true`/`false`; lists keep every occurrence, others the last. */
  flags: Map<string, string | boolean | string[]>;
  positionals: string[];
}

const BOOLEAN_WORDS: Record<string, boolean> = {
  '1': true,
  true: true,
  yes: true,
  on: true,
  '0': false,
  false: false,
  no: false,
  off: false,
};

/** Reads `true`/`false` (also 1/0, yes/no, on/off) or returns `undefined` for anything else. */
export function parseBooleanWord(text: string): boolean | undefined {
  return BOOLEAN_WORDS[text.trim().toLowerCase()];
}

/**
 * Splits `argv` into options and positionals: `--name value`, `--name=value`, boolean
 * `--name` (or `--name=false`), `-h` for `--help`, and `--` to end options. Unknown options and
 * missing values are usage errors ({@link ConfigError}).
 */
export function parseArguments(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArguments {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const flags = new Map<string, string | boolean | string[]>();
  const set = (name: string, value: string, kind: FlagSpec['kind']): void => {
    const previous = flags.get(name);
    flags.set(name, kind === 'list' ? [...(Array.isArray(previous) ? previous : []), value] : value);
  };
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      flags.set('help', true);
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw new ConfigError(`unknown option ${arg} (options are spelled --name)`);
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    const spec = byName.get(name);
    if (spec === undefined) throw new ConfigError(`unknown option --${name}`);
    if (spec.kind === 'boolean') {
      if (inline === undefined) {
        flags.set(name, true);
        continue;
      }
      const value = parseBooleanWord(inline);
      if (value === undefined)
        throw new ConfigError(`option --${name} takes no value (or true/false), got "${inline}"`);
      flags.set(name, value);
      continue;
    }
    if (inline !== undefined) {
      set(name, inline, spec.kind);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith('--') && next.length > 2)) {
      throw new ConfigError(
        `option --${name} needs a value${spec.placeholder ? ` (${spec.placeholder})` : ''}`,
      );
    }
    set(name, next, spec.kind);
    i += 1;
  }
  return { flags, positionals };
}
