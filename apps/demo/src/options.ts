import { ConfigError } from '@molecule-ai/agent-core';

/** Where the agent connects. */
export type PlatformChoice =
  | { kind: 'simulator' }
  | {
      kind: 'platform';
      url: string;
      workspaceId: string;
      /** `MOLECULE_WORKSPACE_TOKEN`: a pre-minted token (never written to disk). */
      token: string | undefined;
      orgId: string | undefined;
      /** `MOLECULE_DEMO_PLUGIN`: a plugin to install from the platform. */
      plugin: string | undefined;
      /** `MOLECULE_DEMO_PEER_ID`: a workspace to call and delegate to. */
      peerId: string | undefined;
    };

/** Everything the demo was told on the command line and in the environment. */
export interface DemoOptions {
  /** One JSON object per line instead of the terminal view. */
  json: boolean;
  /** Write the platform's request log (simulator only) to this file at the end. */
  recordFile: string | undefined;
  /** Against a real platform: keep running until the workspace is paused or deleted, or Ctrl-C. */
  stay: boolean;
  /** Stack traces on failure. */
  verbose: boolean;
  /** Run the Workers example (Miniflare) instead of the Node/Bun agent. Simulator only. */
  worker: boolean;
  /** With `worker`: the Durable Object variant (two workspaces, one object each, on alarms). */
  durable: boolean;
  help: boolean;
  platform: PlatformChoice;
  /** `MOLECULE_TOKEN_DIR`: the token files' base directory. */
  tokenDir: string | undefined;
  /** `MOLECULE_PUBLIC_ORIGIN`: how the platform reaches the push server (`{port}` = bound port). */
  publicOrigin: string;
  /** `MOLECULE_PUSH_PORT`: the push server's port (0 = any free one). */
  pushPort: number;
}

export const USAGE = `Usage: pnpm demo [-- options]

Runs a Molecule remote agent through its whole life: register, secrets, a plugin, peers,
messages, delegation, heartbeats, pause and delete. Without settings it starts a platform
simulator in this process; with MOLECULE_PLATFORM_URL and MOLECULE_WORKSPACE_ID it uses that
platform instead.

Options:
  --json           one JSON object per step on stdout (the default when stdout is not a terminal
                   is plain lines)
  --record FILE    write the simulator's request log (credentials redacted) to FILE
  --stay           real platform: keep the agent running until the workspace is paused or
                   deleted, or Ctrl-C
  --worker         run the Workers package's example agent in Miniflare instead (simulator only;
                   what pnpm demo:worker does)
  --durable        with --worker: the Durable Object variant (two workspaces in one Worker, one
                   object each, running on alarms)
  --verbose        stack traces on failure
  -h, --help       this text

Environment (real platform):
  MOLECULE_PLATFORM_URL     the platform's base URL
  MOLECULE_WORKSPACE_ID     the external workspace the agent runs as
  MOLECULE_WORKSPACE_TOKEN  a token minted beforehand (optional; never written to disk)
  MOLECULE_ORG_ID           SaaS tenant id (optional)
  MOLECULE_TOKEN_DIR        where a token the platform mints is kept (default ~/.molecule)
  MOLECULE_PUBLIC_ORIGIN    how the platform reaches this machine (default http://localhost:{port})
  MOLECULE_PUSH_PORT        the push server's port (default: any free port)
  MOLECULE_DEMO_PLUGIN      a plugin to install from the platform (optional)
  MOLECULE_DEMO_PEER_ID     a workspace to call and delegate to (optional)
`;

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

/** Reads the options; throws ConfigError for anything it does not understand. */
export function parseDemoOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): DemoOptions {
  let json = false;
  let stay = false;
  let verbose = false;
  let worker = false;
  let durable = false;
  let help = false;
  let recordFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue; // pnpm passes it through
    if (arg === '--json') json = true;
    else if (arg === '--stay') stay = true;
    else if (arg === '--verbose') verbose = true;
    else if (arg === '--worker') worker = true;
    else if (arg === '--durable') durable = true;
    else if (arg === '-h' || arg === '--help') help = true;
    else if (arg === '--record' || arg.startsWith('--record=')) {
      const value = arg === '--record' ? argv[++i] : arg.slice('--record='.length);
      if (!value) throw new ConfigError('--record needs a file name');
      recordFile = value;
    } else throw new ConfigError(`unknown option ${JSON.stringify(arg)} (see --help)`);
  }

  const url = nonEmpty(env.MOLECULE_PLATFORM_URL);
  const workspaceId = nonEmpty(env.MOLECULE_WORKSPACE_ID);
  if ((url === undefined) !== (workspaceId === undefined)) {
    throw new ConfigError(
      'set both MOLECULE_PLATFORM_URL and MOLECULE_WORKSPACE_ID to use a real platform, or neither to use the simulator',
    );
  }
  const platform: PlatformChoice =
    url && workspaceId
      ? {
          kind: 'platform',
          url,
          workspaceId,
          token: nonEmpty(env.MOLECULE_WORKSPACE_TOKEN),
          orgId: nonEmpty(env.MOLECULE_ORG_ID),
          plugin: nonEmpty(env.MOLECULE_DEMO_PLUGIN),
          peerId: nonEmpty(env.MOLECULE_DEMO_PEER_ID),
        }
      : { kind: 'simulator' };

  if (durable && !worker) throw new ConfigError('--durable is a variant of --worker: pass both');
  if (worker && platform.kind === 'platform') {
    throw new ConfigError(
      '--worker runs against the simulator only; to connect a Worker to a real platform, deploy it with wrangler (see packages/workers/README.md)',
    );
  }

  const portText = nonEmpty(env.MOLECULE_PUSH_PORT) ?? '0';
  const pushPort = Number(portText);
  if (!/^\d+$/.test(portText) || pushPort > 65535) {
    throw new ConfigError(`MOLECULE_PUSH_PORT must be a port number, got ${JSON.stringify(portText)}`);
  }

  return {
    json,
    recordFile,
    stay,
    verbose,
    worker,
    durable,
    help,
    platform,
    tokenDir: nonEmpty(env.MOLECULE_TOKEN_DIR),
    publicOrigin: nonEmpty(env.MOLECULE_PUBLIC_ORIGIN) ?? 'http://localhost:{port}',
    pushPort,
  };
}
