import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@molecule-ai/agent-core';
import type { FlagSpec } from './flag-spec.js';
import { parseBooleanWord } from './parse-arguments.js';

/** Where a setting's value came from, for messages such as "MOLECULE_POLL_INTERVAL must be…". */
export interface SettingValue {
  value: string;
  /** `--name` or the environment variable's name. */
  from: string;
  fromEnv: boolean;
}

/**
 * Option values with their environment fallbacks. Nothing is validated up front: each command
 * reads (and so validates) only what it uses, so a bad `MOLECULE_POLL_INTERVAL` breaks `connect`
 * and nothing else. A command-line option always wins over the environment; an empty
 * environment variable counts as unset.
 */
export class Settings {
  readonly #flags: Map<string, string | boolean | string[]>;
  readonly #env: Record<string, string | undefined>;
  readonly #specs: Map<string, FlagSpec>;

  constructor(
    flags: Map<string, string | boolean | string[]>,
    env: Record<string, string | undefined>,
    specs: readonly FlagSpec[],
  ) {
    this.#flags = flags;
    this.#env = env;
    this.#specs = new Map(specs.map((spec) => [spec.name, spec]));
  }

  /** The raw value and its origin, or `undefined` when neither the option nor its variable is set. */
  raw(name: string): SettingValue | undefined {
    const spec = this.#specs.get(name);
    const flag = this.#flags.get(name);
    if (typeof flag === 'string') return { value: flag, from: `--${name}`, fromEnv: false };
    if (typeof flag === 'boolean') return { value: String(flag), from: `--${name}`, fromEnv: false };
    if (Array.isArray(flag)) return { value: flag.join(','), from: `--${name}`, fromEnv: false };
    const envValue = spec?.env === undefined ? undefined : this.#env[spec.env];
    if (envValue === undefined || envValue.trim() === '') return undefined;
    return { value: envValue, from: spec?.env ?? name, fromEnv: true };
  }

  /** How to name the setting in "missing" messages: `--name (or ENV)`. */
  describe(name: string): string {
    const env = this.#specs.get(name)?.env;
    return env === undefined ? `--${name}` : `--${name} (or ${env})`;
  }

  /** A trimmed string value, or `undefined`. */
  string(name: string): string | undefined {
    const raw = this.raw(name);
    const value = raw?.value.trim();
    return value === '' ? undefined : value;
  }

  /** A string value that must be present. */
  required(name: string, why = ''): string {
    const value = this.string(name);
    if (value === undefined) throw new ConfigError(`missing ${this.describe(name)}${why ? `: ${why}` : ''}`);
    return value;
  }

  /**
   * A repeatable option: every `--name` value in order, else its variable split at commas; blank
   * entries dropped. `[]` when neither is set.
   */
  list(name: string): string[] {
    const flag = this.#flags.get(name);
    if (Array.isArray(flag)) return flag.filter((entry) => entry.trim() !== '');
    const raw = this.raw(name);
    if (raw === undefined) return [];
    return raw.value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
  }

  /** A boolean option: true when given as `--name`, or when its variable is 1/true/yes/on. */
  boolean(name: string): boolean {
    const raw = this.raw(name);
    if (raw === undefined) return false;
    const value = parseBooleanWord(raw.value);
    if (value === undefined)
      throw new ConfigError(`${raw.from} must be true or false (or 1/0), got "${raw.value}"`);
    return value;
  }

  /** A boolean that never fails: for settings needed while reporting another error (`--verbose`, `--json`). */
  lenientBoolean(name: string): boolean {
    const raw = this.raw(name);
    return raw !== undefined && parseBooleanWord(raw.value) === true;
  }

  /** A positive, finite number of seconds, or `undefined`. */
  seconds(name: string): number | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    const text = raw.value.trim();
    const value = Number(text);
    if (text === '' || !Number.isFinite(value) || value <= 0) {
      throw new ConfigError(`${raw.from} must be a positive number of seconds, got "${raw.value}"`);
    }
    return value;
  }

  /** A whole number of at least 0, or `undefined`. */
  count(name: string): number | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    const text = raw.value.trim();
    if (!/^\d{1,9}$/.test(text))
      throw new ConfigError(`${raw.from} must be a whole number, got "${raw.value}"`);
    return Number(text);
  }

  /** A file path with a leading `~` expanded to the home directory (env values are not shell-expanded). */
  path(name: string): string | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (value === '~') return homedir();
    return value.startsWith('~/') ? join(homedir(), value.slice(2)) : value;
  }

  /** An absolute http(s) URL without trailing slashes, or `undefined`. */
  url(name: string): string | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    const text = raw.value.trim();
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      throw new ConfigError(`${raw.from} must be an http(s) URL, got "${text}"`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ConfigError(`${raw.from} must be an http(s) URL, got "${text}"`);
    }
    if (parsed.username !== '' || parsed.password !== '') {
      throw new ConfigError(`${raw.from} must not contain credentials`);
    }
    return text.replace(/\/+$/, '');
  }
}
