/** How an option takes its value: once, as a switch, or repeatedly (`list`: every occurrence kept; its variable is comma-separated). */
export type FlagKind = 'string' | 'boolean' | 'list';

/** One `--option`: its value kind, its environment variable and its help text. */
export interface FlagSpec {
  /** Without dashes, e.g. `platform-url`. */
  name: string;
  kind: FlagKind;
  /** The environment variable that supplies the value when the option is absent. */
  env?: string;
  /** Placeholder shown in help, e.g. `URL`. */
  placeholder?: string;
  description: string;
}

/** The options every command accepts. Each is also readable from its `MOLECULE_*` variable. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  {
    name: 'platform-url',
    kind: 'string',
    env: 'MOLECULE_PLATFORM_URL',
    placeholder: 'URL',
    description: 'base URL of the Molecule platform',
  },
  {
    name: 'workspace-id',
    kind: 'string',
    env: 'MOLECULE_WORKSPACE_ID',
    placeholder: 'ID',
    description: 'the workspace this agent runs as',
  },
  {
    name: 'token',
    kind: 'string',
    env: 'MOLECULE_WORKSPACE_TOKEN',
    placeholder: 'TOKEN',
    description: 'workspace token to use instead of the token file (never written to disk)',
  },
  {
    name: 'token-dir',
    kind: 'string',
    env: 'MOLECULE_TOKEN_DIR',
    placeholder: 'DIR',
    description: 'base directory of token files: DIR/<workspace-id>/.auth_token (default ~/.molecule)',
  },
  {
    name: 'org-id',
    kind: 'string',
    env: 'MOLECULE_ORG_ID',
    placeholder: 'ID',
    description: 'organisation id sent as X-Molecule-Org-Id (SaaS tenants)',
  },
  {
    name: 'origin',
    kind: 'string',
    env: 'MOLECULE_ORIGIN',
    placeholder: 'ORIGIN',
    description: 'Origin header to send (SaaS tenants); must equal the platform origin',
  },
  {
    name: 'agent-name',
    kind: 'string',
    env: 'MOLECULE_AGENT_NAME',
    placeholder: 'NAME',
    description: 'name in the agent card (default remote-<first 8 chars of the id>)',
  },
  {
    name: 'reported-url',
    kind: 'string',
    env: 'MOLECULE_REPORTED_URL',
    placeholder: 'URL',
    description: 'URL the platform should push messages to (omit for a poll-only agent)',
  },
  {
    name: 'poll-interval',
    kind: 'string',
    env: 'MOLECULE_POLL_INTERVAL',
    placeholder: 'SECONDS',
    description: 'seconds between inbound polls (default 5)',
  },
  {
    name: 'cursor-file',
    kind: 'string',
    env: 'MOLECULE_CURSOR_FILE',
    placeholder: 'FILE',
    description: 'inbound cursor file (default <token-dir>/<workspace-id>/inbound-cursor.json)',
  },
  {
    name: 'verbose',
    kind: 'boolean',
    env: 'MOLECULE_VERBOSE',
    description: 'log progress to stderr, and print stack traces on errors',
  },
  {
    name: 'json',
    kind: 'boolean',
    env: 'MOLECULE_JSON',
    description: 'print machine-readable JSON on stdout',
  },
  { name: 'help', kind: 'boolean', description: 'show help for the command' },
];
