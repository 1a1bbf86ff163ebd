/**
 * The second demo agent: a minimal push-only agent that answers messages and delegated tasks.
 * It is what the demo agent discovers, calls and delegates to.
 */
// `#agent-runtime` is `@molecule-ai/agent-node` under Node and `@molecule-ai/agent-bun` under Bun.

import { silentLogger } from '@molecule-ai/agent-core/ports';
import {
  type AgentClient,
  createAgentClient,
  createFileTokenStore,
  type InboundMessage,
  type LoopExit,
  runAgentLoop,
  startPushDelivery,
} from '#agent-runtime';

/** Settings of {@link startHelperAgent}. */
export interface HelperAgentOptions {
  platformUrl: string;
  workspaceId: string;
  tokenDir: string;
  publicOrigin: string;
  heartbeatIntervalMs: number;
  statePollIntervalMs: number;
}

/** A running helper agent. */
export interface HelperAgent {
  readonly client: AgentClient;
  readonly pushUrl: string;
  /** Messages it answered, delegated tasks included. */
  readonly handled: number;
  /** Stops the loop (in-flight answers finish) and the push server. */
  stop(): Promise<LoopExit>;
}

function answer(message: InboundMessage): string {
  // `/delegate` marks its messages with the delegation id.
  if (typeof message.metadata.delegation_id === 'string') {
    return 'Three facts: remote agents register over HTTP, heartbeat to stay online, and stop when paused.';
  }
  return `helper here. You said: ${message.text}`;
}

/** Registers the helper (its first register mints its token) and runs its loop. */
export async function startHelperAgent(
  options: HelperAgentOptions,
  signal?: AbortSignal,
): Promise<HelperAgent> {
  const client = createAgentClient({
    // The demo passes every setting itself and shows what happens in its own view: no MOLECULE_*
    // variables, and no stderr lines for what it expects (fresh workspaces, the helper's deletion).
    env: {},
    logger: silentLogger,
    workspaceId: options.workspaceId,
    platformUrl: options.platformUrl,
    tokenStore: createFileTokenStore({ directory: options.tokenDir }),
    agentCard: {
      name: 'helper',
      description: 'Answers questions and takes delegated research tasks',
      skills: [{ id: 'research', name: 'Research', description: 'Looks things up', tags: ['demo'] }],
    },
  });
  const delivery = await startPushDelivery({ publicOrigin: options.publicOrigin });
  let handled = 0;
  const stopper = new AbortController();
  let exit: Promise<LoopExit>;
  try {
    client.reportedUrl = delivery.url;
    await client.register(signal ? { signal } : {});
    exit = runAgentLoop(
      (message) => {
        handled++;
        return answer(message);
      },
      {
        client,
        delivery,
        concurrency: 4,
        heartbeatIntervalMs: options.heartbeatIntervalMs,
        statePollIntervalMs: options.statePollIntervalMs,
        signal: stopper.signal,
        stopSignals: [],
        logger: silentLogger,
      },
    ).done;
  } catch (error) {
    await delivery.stop();
    throw error;
  }
  return {
    client,
    pushUrl: delivery.url,
    get handled() {
      return handled;
    },
    stop() {
      stopper.abort();
      return exit;
    },
  };
}
