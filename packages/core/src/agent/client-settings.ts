import { checkWorkspaceId } from '../client/workspace-id.js';
import { ConfigError } from '../errors.js';
import { parsePlatformUrl } from '../http/url.js';
import { type LogThreshold, parseLogThreshold } from '../ports/log-level.js';
import { AGENT_ENV, type Environment, readEnv } from './agent-environment.js';

/** The connection options a runtime's `createAgentClient` and `runAgent` take, each with its variable. */
export interface AgentConnectionOptions {
  /** Base URL of the platform. Default `MOLECULE_PLATFORM_URL`; one of the two is required. */
  platformUrl?: string | undefined;
  /** The workspace id (a UUID). Default `MOLECULE_WORKSPACE_ID`; one of the two is required. */
  workspaceId?: string | undefined;
  /** A workspace token to use instead of the token file (never written). Default `MOLECULE_WORKSPACE_TOKEN`. */
  token?: string | undefined;
  /** Base directory of the token and cursor files. Default `MOLECULE_TOKEN_DIR`, else `~/.molecule`. */
  tokenDir?: string | undefined;
  /** SaaS tenant id (`X-Molecule-Org-Id`). Default `MOLECULE_ORG_ID`. */
  orgId?: string | undefined;
  /** The `Origin` header (see `createAgentClient`). Default `MOLECULE_ORIGIN`. */
  origin?: string | null | undefined;
  /** The name in the agent card. Default `MOLECULE_AGENT_NAME`, else `remote-agent-<first 8 chars of the id>`. */
  agentName?: string | undefined;
  /** The whole agent card; wins over `agentName`. */
  agentCard?: Record<string, unknown> | undefined;
  /** The inbound URL to register when not serving pushes. Default `MOLECULE_REPORTED_URL`, else the poll-only placeholder. */
  reportedUrl?: string | undefined;
  /** The environment to read `MOLECULE_*` from. Default: the process's; `{}` reads none. */
  env?: Environment | undefined;
}

/** {@link AgentConnectionOptions} merged with the environment and checked. */
export interface ClientSettings {
  workspaceId: string;
  platformUrl: string;
  token: string | undefined;
  tokenDir: string | undefined;
  orgId: string | undefined;
  origin: string | null | undefined;
  agentCard: Record<string, unknown> | undefined;
  reportedUrl: string | undefined;
  /** `MOLECULE_LOG`, default `warn`. */
  logLevel: LogThreshold;
}

/** A value from the option, else from its variable, with the name to quote in messages. */
export function pick<T>(
  option: T | undefined,
  optionName: string,
  env: Environment,
  variable: string,
): { value: T | string; from: string } | undefined {
  if (option !== undefined && !(typeof option === 'string' && option.trim() === '')) {
    return { value: option, from: optionName };
  }
  const value = readEnv(env, variable);
  return value === undefined ? undefined : { value, from: variable };
}

function required(
  option: string | undefined,
  optionName: string,
  env: Environment,
  variable: string,
  what: string,
): { value: string; from: string } {
  const found = pick(option, optionName, env, variable);
  if (found === undefined) {
    throw new ConfigError(`missing ${what}: set ${variable} or pass the ${optionName} option`);
  }
  return { value: String(found.value).trim(), from: found.from };
}

function optionalString(
  option: string | undefined,
  optionName: string,
  env: Environment,
  variable: string,
): string | undefined {
  const found = pick(option, optionName, env, variable);
  return found === undefined ? undefined : String(found.value).trim();
}

/**
 * Merges the connection options with the `MOLECULE_*` variables (options win) and checks them
 * before any I/O: the platform URL is an http(s) URL, the workspace id a UUID, each error naming
 * the option or variable it came from.
 */
export function resolveClientSettings(options: AgentConnectionOptions, env: Environment): ClientSettings {
  const platform = required(
    options.platformUrl,
    'platformUrl',
    env,
    AGENT_ENV.platformUrl,
    'the platform URL',
  );
  try {
    parsePlatformUrl(platform.value);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`${platform.from}: ${error.message.replace(/^platformUrl /, '')}`, {
      cause: error,
    });
  }
  const workspace = required(
    options.workspaceId,
    'workspaceId',
    env,
    AGENT_ENV.workspaceId,
    'the workspace id',
  );
  checkWorkspaceId(workspace.value, workspace.from);
  const agentName = optionalString(options.agentName, 'agentName', env, AGENT_ENV.agentName);
  const origin =
    options.origin === null ? null : optionalString(options.origin, 'origin', env, AGENT_ENV.origin);
  return {
    workspaceId: workspace.value,
    platformUrl: platform.value,
    token: optionalString(options.token, 'token', env, AGENT_ENV.token),
    tokenDir: optionalString(options.tokenDir, 'tokenDir', env, AGENT_ENV.tokenDir),
    orgId: optionalString(options.orgId, 'orgId', env, AGENT_ENV.orgId),
    origin,
    agentCard: options.agentCard ?? (agentName === undefined ? undefined : { name: agentName }),
    reportedUrl: optionalString(options.reportedUrl, 'reportedUrl', env, AGENT_ENV.reportedUrl),
    logLevel: parseLogThreshold(readEnv(env, AGENT_ENV.log), AGENT_ENV.log),
  };
}
