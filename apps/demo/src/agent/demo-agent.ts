/**
 * The demo's agent, written the way the README says: `runAgent` with a handler (it registers,
 * serves pushes, heartbeats and watches pause and delete), and the runtime's `createAgentClient`
 * and `installPlugin` for what the demo shows besides (secrets, a plugin, peers, calls). Nothing
 * here knows about the terminal view or the simulator.
 */
// The one runtime-specific line: `#agent-runtime` is `@molecule-ai/agent-node` under Node and
// `@molecule-ai/agent-bun` under Bun (package.json `imports`); both export the same names.

import {
  type AgentClient,
  type AgentHandler,
  createAgentClient,
  createFileTokenStore,
  createStderrLogger,
  type InstallPluginResult,
  installPlugin,
  type PluginInstallProgress,
} from '#agent-runtime';
import { type StartedAgent, startAgent } from './start-agent.js';

/** What the agent tells the platform about itself (stored as-is, shown in the canvas and to peers). */
export const DEMO_AGENT_CARD: { name: string } & Record<string, unknown> = {
  name: 'demo-agent',
  description: 'Shows the whole life of a Molecule remote agent',
  version: '1.0.0',
  skills: [
    {
      id: 'status',
      name: 'Status report',
      description: 'Says what the agent has done so far',
      tags: ['demo'],
    },
  ],
  capabilities: { streaming: false, pushNotifications: false },
};

/** Settings of {@link createDemoAgent}. */
export interface DemoAgentOptions {
  platformUrl: string;
  workspaceId: string;
  /** A token minted beforehand (`MOLECULE_WORKSPACE_TOKEN`); used first, never written to disk. */
  token?: string | undefined;
  /** SaaS tenant id (`MOLECULE_ORG_ID`). */
  orgId?: string | undefined;
  /** Where the token file lives: `<tokenDir>/<workspaceId>/.auth_token`. */
  tokenDir: string;
  /** Where plugins are installed. */
  pluginsDir: string;
  /** How the platform reaches the push server, e.g. `http://localhost:{port}` or a tunnel's origin. */
  publicOrigin: string;
  /** Push server port; 0 picks a free one. */
  pushPort?: number | undefined;
  /** Loop cadence; short in the demo so that a pause or delete is noticed at once. */
  heartbeatIntervalMs: number;
  statePollIntervalMs: number;
  /** Told about each message handled, e.g. to print it. */
  onActivity?: ((line: string) => void) | undefined;
}

/** The agent running (`runAgent`), once it has registered and serves pushes. */
export interface RunningAgent extends StartedAgent {
  /** True when the platform minted the token in this start (it is now in the token file). */
  tokenIssued: boolean;
}

/** The demo agent. */
export interface DemoAgent {
  /** The client for what the demo does besides answering messages. */
  readonly client: AgentClient;
  /** The token file's path (the token itself is never shown). */
  readonly tokenFile: string;
  /**
   * Starts the agent (`runAgent`) and resolves once it has registered and serves pushes; it runs
   * until the platform pauses or deletes the workspace, `signal` aborts or `stop()` is called.
   */
  start(signal: AbortSignal): Promise<RunningAgent>;
  /** Pulls the workspace's secrets (kept in memory, never printed). */
  pullSecrets(signal?: AbortSignal): Promise<Record<string, string>>;
  /** Downloads, verifies and installs a plugin from the platform, then runs its setup.sh. */
  installPlugin(
    name: string,
    options: {
      signal?: AbortSignal;
      onProgress?: (event: PluginInstallProgress) => void;
      onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
    },
  ): Promise<InstallPluginResult>;
}

/** Creates the demo agent. No I/O until `start()`. */
export function createDemoAgent(options: DemoAgentOptions): DemoAgent {
  // The platform shows a minted token once: the file store keeps it (0600) for the next start.
  const tokenStore = createFileTokenStore({ directory: options.tokenDir });
  // The demo passes every setting itself and shows what happens in its own view: no MOLECULE_*
  // variables, and no stderr lines for what it expects (a fresh workspace, the pause, the delete).
  const settings = {
    env: {},
    logger: createStderrLogger({ level: 'silent' }),
    workspaceId: options.workspaceId,
    platformUrl: options.platformUrl,
    token: options.token,
    orgId: options.orgId,
    tokenStore,
    agentCard: DEMO_AGENT_CARD,
  };
  const client = createAgentClient(settings);
  const memory = { secrets: {} as Record<string, string>, plugins: [] as string[], messages: 0 };

  // One handler for every message, whoever sent it: the returned text is the reply.
  const onMessage: AgentHandler = async (message, { client }) => {
    memory.messages++;
    options.onActivity?.(`message: ${message.text}`);
    if (/\bstatus\b/i.test(message.text)) {
      // A push carries no sender, so anything meant for the people in the canvas goes there as a notify.
      await client.notify(
        `Status of ${DEMO_AGENT_CARD.name}: ${memory.plugins.length} plugin(s) installed ` +
          `(${memory.plugins.join(', ') || 'none'}), ${Object.keys(memory.secrets).length} secret(s) loaded, ` +
          `${memory.messages} message(s) handled.`,
      );
      return 'Sure! I posted a status report to the canvas.';
    }
    return `${DEMO_AGENT_CARD.name} here. You said: ${message.text}`;
  };

  return {
    client,
    tokenFile: tokenStore.describe(options.workspaceId),

    async start(signal) {
      const hadToken = options.token !== undefined || (await tokenStore.load(options.workspaceId)) !== null;
      const agent = await startAgent(
        onMessage,
        {
          ...settings,
          // Pushed messages arrive on an unguessable capability path of this server.
          listen: `127.0.0.1:${options.pushPort ?? 0}`,
          publicUrl: options.publicOrigin,
          heartbeatIntervalMs: options.heartbeatIntervalMs,
          statePollIntervalMs: options.statePollIntervalMs,
        },
        signal,
      );
      return { ...agent, tokenIssued: !hadToken && (await tokenStore.load(options.workspaceId)) !== null };
    },

    async pullSecrets(signal) {
      memory.secrets = await client.pullSecrets({ signal });
      return memory.secrets;
    },

    async installPlugin(name, { signal, onProgress, onOutput }) {
      const greeting = memory.secrets.DEMO_GREETING;
      const result = await installPlugin({
        client,
        name,
        pluginsDir: options.pluginsDir,
        // setup.sh sees PATH, HOME and the like, plus exactly what is passed here: never the token.
        env: greeting ? { DEMO_GREETING: greeting } : {},
        setupTimeoutMs: 30_000,
        signal,
        onProgress,
        onOutput,
      });
      memory.plugins.push(name);
      return result;
    },
  };
}
