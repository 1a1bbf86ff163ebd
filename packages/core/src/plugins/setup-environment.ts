import { ConfigError } from '../errors.js';

/** The host variables a `setup.sh` may see, by exact name. `LC_*` is allowed as a prefix. */
export const SETUP_ENV_ALLOW_LIST: readonly string[] = [
  'PATH',
  'HOME',
  'LANG',
  'TERM',
  'TMPDIR',
  'USER',
  'SHELL',
];

/** Variables that never reach a `setup.sh`, not even when the caller asks for them explicitly. */
export const SETUP_ENV_DENY_LIST: readonly string[] = ['MOLECULE_WORKSPACE_TOKEN'];

/** Inputs of {@link buildSetupEnvironment}. */
export interface SetupEnvironmentInput {
  /** The host's environment (e.g. `process.env`). Only allow-listed names are copied. */
  hostEnv?: Readonly<Record<string, string | undefined>>;
  /** Extra variables chosen by the caller; they win over the host's. */
  extra?: Readonly<Record<string, string>>;
  /** Absolute path of the installed plugin, exported as `PLUGIN_DIR`. */
  pluginDir: string;
  /** Exported as `PLUGIN_NAME`. */
  pluginName: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks the caller's extra variables before any I/O: names must be shell identifiers, values
 * must not contain NUL, and the workspace token variable is refused outright.
 */
export function assertSetupEnvironment(extra: Readonly<Record<string, string>> | undefined): void {
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (!NAME.test(name))
      throw new ConfigError(`setup.sh environment: invalid variable name ${JSON.stringify(name)}`);
    if (typeof value !== 'string' || value.includes('\0')) {
      throw new ConfigError(`setup.sh environment: the value of ${name} must be a string without NUL`);
    }
    if (SETUP_ENV_DENY_LIST.includes(name)) {
      throw new ConfigError(`setup.sh environment: ${name} is never passed to a plugin's setup.sh`);
    }
  }
}

/**
 * The complete environment of a plugin's `setup.sh`: the allow-listed host variables (PATH, HOME,
 * LANG, LC_*, TERM, TMPDIR, USER, SHELL), then `PLUGIN_DIR` and `PLUGIN_NAME`, then the caller's
 * explicit extras. Nothing else is inherited, so the bearer token and any secrets the agent exported
 * stay out of plugin code (the Python SDK passed its whole environment).
 */
export function buildSetupEnvironment(input: SetupEnvironmentInput): Record<string, string> {
  assertSetupEnvironment(input.extra);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.hostEnv ?? {})) {
    if (value === undefined || value.includes('\0')) continue;
    if (SETUP_ENV_ALLOW_LIST.includes(name) || (name.startsWith('LC_') && NAME.test(name))) env[name] = value;
  }
  env.PLUGIN_DIR = input.pluginDir;
  env.PLUGIN_NAME = input.pluginName;
  for (const [name, value] of Object.entries(input.extra ?? {})) env[name] = value;
  return env;
}
