// `#agent-runtime` is `@molecule-ai/agent-node` under Node and `@molecule-ai/agent-bun` under Bun.
import {
  AbortError,
  type AgentExit,
  type AgentHandler,
  type RunAgentOptions,
  runAgent,
} from '#agent-runtime';

/** An agent that `runAgent` runs, once it has registered and serves pushes. */
export interface StartedAgent {
  /** Where the platform pushes its messages (the capability path is not shown). */
  pushOrigin: string;
  /** How it ended: paused, deleted, revoked or aborted. */
  exit: Promise<AgentExit>;
  /** Stops it (messages in flight finish first) and its push server. */
  stop(): Promise<AgentExit>;
}

/**
 * Runs `runAgent(handler, options)` and resolves once it is connected (registered, serving
 * pushes): the demo shows each step, and the rest of the story needs the agent online. It rejects
 * as `runAgent` does when registering fails. `signal` (Ctrl-C) stops it, as `stop()` does.
 */
export async function startAgent(
  handler: AgentHandler,
  options: RunAgentOptions,
  signal?: AbortSignal,
): Promise<StartedAgent> {
  const stopper = new AbortController();
  const onAbort = (): void => stopper.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let connected: (origin: string) => void = () => {};
  const registered = new Promise<string>((resolve) => {
    connected = resolve;
  });
  const exit = runAgent(handler, {
    ...options,
    signal: stopper.signal,
    // The demo handles Ctrl-C itself (it cleans up the workspaces it made).
    stopSignals: [],
    onEvent: (event) => {
      if (event.type === 'connected') connected(event.publicOrigin ?? '');
    },
  }).finally(() => signal?.removeEventListener('abort', onAbort));
  // Awaited later; until then a failure must not count as unhandled.
  exit.catch(() => {});
  const pushOrigin = await Promise.race([
    registered,
    exit.then(() => {
      throw new AbortError('stopped before it registered');
    }),
  ]);
  return {
    pushOrigin,
    exit,
    stop() {
      stopper.abort();
      return exit;
    },
  };
}
