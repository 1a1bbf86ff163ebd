/**
 * The environment variables the agent reads (the same ones the `molecule-agent` CLI reads), by
 * the option they stand for. An option passed in code always wins over its variable; an empty
 * variable counts as unset.
 */
export const AGENT_ENV = {
  platformUrl: 'MOLECULE_PLATFORM_URL',
  workspaceId: 'MOLECULE_WORKSPACE_ID',
  token: 'MOLECULE_WORKSPACE_TOKEN',
  tokenDir: 'MOLECULE_TOKEN_DIR',
  orgId: 'MOLECULE_ORG_ID',
  origin: 'MOLECULE_ORIGIN',
  agentName: 'MOLECULE_AGENT_NAME',
  reportedUrl: 'MOLECULE_REPORTED_URL',
  pollInterval: 'MOLECULE_POLL_INTERVAL',
  heartbeatInterval: 'MOLECULE_HEARTBEAT_INTERVAL',
  stateInterval: 'MOLECULE_STATE_INTERVAL',
  concurrency: 'MOLECULE_CONCURRENCY',
  maxIterations: 'MOLECULE_MAX_ITERATIONS',
  cursorFile: 'MOLECULE_CURSOR_FILE',
  listen: 'MOLECULE_LISTEN',
  publicUrl: 'MOLECULE_PUBLIC_URL',
  log: 'MOLECULE_LOG',
} as const;

/** An environment: variable name to value (`process.env`, or a plain object in tests). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A variable's trimmed value, or `undefined` when it is unset or blank. */
export function readEnv(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}
