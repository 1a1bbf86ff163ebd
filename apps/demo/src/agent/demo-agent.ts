/**
 * The demo's agent, written the way you would write your own with the SDK: a client with a
 * token store, a push endpoint, a message handler, plugins, peers and the agent loop. Nothing
 * here knows about the terminal view or the simulator.
 */
// The one runtime-specific line: `#agent-runtime` is `@molecule-ai/agent-node` under Node and
// `@molecule-ai/agent-bun` under Bun (package.json `imports`); both export the same names.

import { silentLogger } from '@molecule-ai/agent-core/ports';
import {
  type AgentClient,
  type AgentHandlerContext,
  ConfigError,
  createAgentClient,
  createFileTokenStore,
  type InboundMessage,
  type InstallPluginResult,
  installPlugin,
  type LoopExit,
  type PluginInstallProgress,
  runAgentLoop,
  type StartedPushDelivery,
  startPushDelivery,
} from '#agent-runtime';

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
  pushPort?: number;
  /** Loop cadence; short in the demo so that a pause or delete is noticed at once. */
  heartbeatIntervalMs: number;
  statePollIntervalMs: number;
  /** Upper bound of the loop's retry delays (default 60 s). */
  backoffMaxMs?: number;
  /** Told about each message handled, e.g. to print it. */
  onActivity?: (line: string) => void;
}

/** What a `connect()` did. */
export interface Connection {
  /** True when the platform minted the token in this call (it is now in the token file). */
  tokenIssued: boolean;
  /** The URL the platform pushes messages to. */
  pushUrl: string;
}

/** The demo agent. */
export interface DemoAgent {
  readonly client: AgentClient;
  /** The token file's path (the token itself is never shown). */
  readonly tokenFile: string;
  /** Starts the push endpoint and registers its URL; the first register mints the token. */
  connect(signal?: AbortSignal): Promise<Connection>;
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
  /**
   * Runs the agent loop (heartbeats, pushed messages, pause and delete watch) until the platform
   * pauses or deletes the workspace or `signal` aborts; then closes the push endpoint.
   */
  run(signal?: AbortSignal): Promise<LoopExit>;
  /** Closes a push endpoint that `connect()` opened but no loop took over. */
  close(): Promise<void>;
}

/** Creates the demo agent. No I/O until `connect()`. */
export function createDemoAgent(options: DemoAgentOptions): DemoAgent {
  // The platform shows a minted token once: the file store keeps it (0600) for the next start.
  const tokenStore = createFileTokenStore({ directory: options.tokenDir });
  const client = createAgentClient({
    // The demo passes every setting itself and shows what happens in its own view: no MOLECULE_*
    // variables, and no stderr lines for what it expects (fresh workspaces, the helper's deletion).
    env: {},
    logger: silentLogger,
    workspaceId: options.workspaceId,
    platformUrl: options.platformUrl,
    tokenStore,
    agentCard: DEMO_AGENT_CARD,
    // A pre-minted token is used first and stays in memory.
    ...(options.token ? { token: options.token } : {}),
    ...(options.orgId ? { orgId: options.orgId } : {}),
  });
  const memory = { secrets: {} as Record<string, string>, plugins: [] as string[], messages: 0 };
  let push: StartedPushDelivery | null = null;

  // One handler for every message, whoever sent it: the returned text is the reply.
  async function onMessage(
    message: InboundMessage,
    { client }: AgentHandlerContext<AgentClient>,
  ): Promise<string> {
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
  }

  return {
    client,
    tokenFile: tokenStore.describe(options.workspaceId),

    async connect(signal) {
      // Pushed messages arrive on an unguessable capability path of this server.
      const delivery = await startPushDelivery({
        publicOrigin: options.publicOrigin,
        port: options.pushPort,
      });
      try {
        client.reportedUrl = delivery.url;
        const registered = await client.register(signal ? { signal } : {});
        push = delivery;
        return { tokenIssued: registered.issued, pushUrl: delivery.url };
      } catch (error) {
        await delivery.stop();
        throw error;
      }
    },

    async pullSecrets(signal) {
      memory.secrets = await client.pullSecrets(signal ? { signal } : {});
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

    async run(signal) {
      if (!push) throw new ConfigError('connect() before run()');
      const delivery = push;
      push = null;
      // The loop stops the delivery, and with it the push server, when it ends.
      return runAgentLoop(onMessage, {
        client,
        delivery,
        heartbeatIntervalMs: options.heartbeatIntervalMs,
        statePollIntervalMs: options.statePollIntervalMs,
        backoffMaxMs: options.backoffMaxMs,
        signal,
        // The demo handles Ctrl-C itself (it cleans up the workspaces it made).
        stopSignals: [],
        logger: silentLogger,
      });
    },

    async close() {
      const unused = push;
      push = null;
      await unused?.stop();
    },
  };
}
