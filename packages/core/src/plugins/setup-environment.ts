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

/**
 * Proxy settings, passed in any spelling (`HTTPS_PROXY`, `https_proxy`, ...): a `setup.sh` that
 * downloads anything fails behind a corporate proxy without them.
 */
export const SETUP_ENV_PROXY_VARIABLES: readonly string[] = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

/**
 * Variables that hold a workspace, admin or org token. They never reach a `setup.sh`, not even
 * when asked for explicitly, and neither does any other variable holding the same value.
 */
export const SETUP_ENV_DENY_LIST: readonly string[] = [
  'MOLECULE_WORKSPACE_TOKEN',
  'MOLECULE_ADMIN_TOKEN',
  'MOLECULE_ORG_TOKEN',
  'MOLECULE_ORG_API_TOKEN',
  'ADMIN_TOKEN',
];

/** Inputs of the setup environment builder. */
export interface SetupEnvironmentInput {
  /** The host's environment (e.g. `process.env`). Only allow-listed and passed-through names are copied. */
  hostEnv?: Readonly<Record<string, string | undefined>> | undefined;
  /** Extra variables chosen by the caller; they win over the host's. */
  extra?: Readonly<Record<string, string>> | undefined;
  /**
   * Explicit pass-through, each `NAME` (copied from `hostEnv` when set there) or `NAME=VALUE`
   * (the CLI's `--setup-env` and `MOLECULE_SETUP_ENV`).
   */
  passThrough?: readonly string[] | undefined;
  /** Absolute path of the installed plugin, exported as `PLUGIN_DIR`. */
  pluginDir: string;
  /** Exported as `PLUGIN_NAME`. */
  pluginName: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isProxyVariable(name: string): boolean {
  return SETUP_ENV_PROXY_VARIABLES.includes(name.toUpperCase());
}

function isTokenVariable(name: string): boolean {
  return SETUP_ENV_DENY_LIST.includes(name.toUpperCase());
}

/** `NAME` or `NAME=VALUE` → name and value (`undefined`: take the host's). */
function splitEntry(entry: string): { name: string; value: string | undefined } {
  const equals = entry.indexOf('=');
  return equals === -1
    ? { name: entry.trim(), value: undefined }
    : { name: entry.slice(0, equals).trim(), value: entry.slice(equals + 1) };
}

/** The values of the host's token variables, to refuse a copy of one under another name. */
function tokenValues(hostEnv: SetupEnvironmentInput['hostEnv']): Set<string> {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(hostEnv ?? {})) {
    if (value !== undefined && value.trim() !== '' && isTokenVariable(name)) values.add(value.trim());
  }
  return values;
}

/** The explicitly chosen variables: `extra` first, then the pass-through entries. */
function explicitVariables(input: SetupEnvironmentChoice): [string, string | undefined][] {
  const out: [string, string | undefined][] = Object.entries(input.extra ?? {});
  for (const entry of input.passThrough ?? []) {
    if (typeof entry !== 'string')
      throw new ConfigError(
        'setup.sh environment: each pass-through entry must be a string NAME or NAME=VALUE',
      );
    const { name, value } = splitEntry(entry);
    out.push([name, value ?? input.hostEnv?.[name]]);
  }
  return out;
}

/** What {@link assertSetupEnvironment} checks: the caller's variables and the host they come from. */
export type SetupEnvironmentChoice = Omit<SetupEnvironmentInput, 'pluginDir' | 'pluginName'>;

/**
 * Checks the caller's variables before any I/O: names must be shell identifiers, values must not
 * contain NUL, and a variable that holds a workspace, admin or org token (by name, or by holding
 * the same value as one of the host's token variables) is a ConfigError naming the variable.
 */
export function assertSetupEnvironment(choice: SetupEnvironmentChoice = {}): void {
  const tokens = tokenValues(choice.hostEnv);
  for (const [name, value] of explicitVariables(choice)) {
    if (!NAME.test(name))
      throw new ConfigError(
        `setup.sh environment: invalid variable name ${JSON.stringify(name)} (use letters, digits and "_", as NAME or NAME=VALUE)`,
      );
    if (value !== undefined && (typeof value !== 'string' || value.includes('\0'))) {
      throw new ConfigError(`setup.sh environment: the value of ${name} must be a string without NUL`);
    }
    if (isTokenVariable(name)) {
      throw new ConfigError(
        `setup.sh environment: ${name} holds a Molecule token and is never passed to a plugin's setup.sh`,
      );
    }
    if (value !== undefined && tokens.has(value.trim())) {
      throw new ConfigError(
        `setup.sh environment: ${name} holds the same value as a Molecule token variable and is never passed to a plugin's setup.sh`,
      );
    }
  }
}

/**
 * The complete environment of a plugin's `setup.sh`: the allow-listed host variables (PATH, HOME,
 * LANG, LC_*, TERM, TMPDIR, USER, SHELL) and the proxy variables in any case (HTTP_PROXY,
 * HTTPS_PROXY, NO_PROXY), then `PLUGIN_DIR` and `PLUGIN_NAME`, then the caller's explicit extras
 * and pass-through entries. Nothing else is inherited, so the bearer token and any secrets the
 * agent exported stay out of plugin code (the Python SDK passed its whole environment).
 */
export function buildSetupEnvironment(input: SetupEnvironmentInput): Record<string, string> {
  assertSetupEnvironment(input);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.hostEnv ?? {})) {
    if (value === undefined || value.includes('\0')) continue;
    if (
      SETUP_ENV_ALLOW_LIST.includes(name) ||
      isProxyVariable(name) ||
      (name.startsWith('LC_') && NAME.test(name))
    ) {
      env[name] = value;
    }
  }
  env.PLUGIN_DIR = input.pluginDir;
  env.PLUGIN_NAME = input.pluginName;
  for (const [name, value] of explicitVariables(input)) if (value !== undefined) env[name] = value;
  return env;
}
