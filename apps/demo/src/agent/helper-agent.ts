/**
 * The second demo agent: a minimal push-only agent that answers messages and delegated tasks.
 * It is what the demo agent discovers, calls and delegates to.
 */
// `#agent-runtime` is `@molecule-ai/agent-node` under Node and `@molecule-ai/agent-bun` under Bun.

import { type AgentExit, createStderrLogger, type InboundMessage } from '#agent-runtime';
import { startAgent } from './start-agent.js';

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
  /** Where the platform pushes its messages; the capability path is not shown. */
  readonly pushOrigin: string;
  /** Messages it answered, delegated tasks included. */
  readonly handled: number;
  /** Stops it (in-flight answers finish) and its push server. */
  stop(): Promise<AgentExit>;
}

function answer(message: InboundMessage): string {
  // `/delegate` marks its messages with the delegation id.
  if (typeof message.metadata.delegation_id === 'string') {
    return 'Three facts: remote agents register over HTTP, heartbeat to stay online, and stop when paused.';
  }
  return `helper here. You said: ${message.text}`;
}

/** Starts the helper (`runAgent`); resolves once it has registered (minting its token) and serves pushes. */
export async function startHelperAgent(
  options: HelperAgentOptions,
  signal?: AbortSignal,
): Promise<HelperAgent> {
  let handled = 0;
  const agent = await startAgent(
    (message) => {
      handled++;
      return answer(message);
    },
    {
      // Every setting comes from here (no MOLECULE_* variables); the demo's view shows what happens.
      env: {},
      logger: createStderrLogger({ level: 'silent' }),
      workspaceId: options.workspaceId,
      platformUrl: options.platformUrl,
      tokenDir: options.tokenDir,
      agentCard: {
        name: 'helper',
        description: 'Answers questions and takes delegated research tasks',
        skills: [{ id: 'research', name: 'Research', description: 'Looks things up', tags: ['demo'] }],
      },
      listen: '127.0.0.1:0',
      publicUrl: options.publicOrigin,
      concurrency: 4,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      statePollIntervalMs: options.statePollIntervalMs,
    },
    signal,
  );
  return {
    pushOrigin: agent.pushOrigin,
    get handled() {
      return handled;
    },
    stop: agent.stop,
  };
}
