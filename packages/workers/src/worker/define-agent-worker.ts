import { createKvStopMarker } from '../stores/kv-stop-marker.js';
import { runWorkerTick } from './agent-tick.js';
import type { AgentTickReport } from './agent-tick-report.js';
import type { ExecutionContextLike, ScheduledControllerLike } from './host-types.js';
import type { IsolateMemory } from './isolate-memory.js';
import type { AgentWorkerOptions } from './options.js';
import { servePush } from './push-endpoint.js';
import { resolveWorkerConfig } from './resolve-config.js';

/** A Worker agent: `export default` it. `fetch` and `scheduled` are the Workers entry points. */
export interface AgentWorker<Env> {
  /** Serves the A2A push endpoint (`/a2a/<secret>`); 404 for every other path and for poll-only agents. */
  fetch(request: Request, env: Env, ctx: ExecutionContextLike): Promise<Response>;
  /** One tick of the agent loop per cron trigger (use a 1-minute cron: `* * * * *`). */
  scheduled(controller: ScheduledControllerLike, env: Env, ctx: ExecutionContextLike): Promise<void>;
  /** Runs one tick and returns its report (what `scheduled` does; also for tests and alarms). */
  tick(env: Env, ctx: ExecutionContextLike): Promise<AgentTickReport>;
  /**
   * Lets a stopped agent work again: removes the stop marker and the loop state, so the next tick
   * registers anew. Call it (from a route of yours, or a one-off script) after resuming the workspace.
   */
  resume(env: Env): Promise<void>;
}

/**
 * Defines a Molecule remote agent that lives in a Cloudflare Worker. The Worker registers once,
 * keeps its token (and cursor, loop state, stop marker) in KV, heartbeats and watches pause and
 * delete on a 1-minute cron, reads its inbound feed on the same tick (poll-only agents) or serves
 * pushed messages on `fetch`, and hands every message to `handler`.
 *
 * @example
 * export default defineAgentWorker<Env>({
 *   workspaceId: (env) => env.WORKSPACE_ID,
 *   platformUrl: (env) => env.PLATFORM_URL,
 *   kv: (env) => env.AGENT_KV,
 *   handler: (message) => `You said: ${message.text}`,
 * });
 */
export function defineAgentWorker<Env>(options: AgentWorkerOptions<Env>): AgentWorker<Env> {
  // Lives as long as the isolate: what the last tick here read and wrote, checked against KV.
  const memory: IsolateMemory = new Map();
  const tick = async (env: Env, ctx: ExecutionContextLike): Promise<AgentTickReport> => {
    const config = resolveWorkerConfig(options, env);
    return runWorkerTick(options, config, env, ctx, memory);
  };
  return {
    async fetch(request, env, ctx) {
      return servePush(options, resolveWorkerConfig(options, env), request, env, ctx);
    },
    async scheduled(_controller, env, ctx) {
      const report = await tick(env, ctx);
      await options.onTick?.(report, env);
    },
    tick,
    async resume(env) {
      const config = resolveWorkerConfig(options, env);
      memory.delete(config.keys.loop);
      await createKvStopMarker(config.kv, { prefix: config.keys.stoppedPrefix }).clear(config.workspaceId);
      await config.kv.delete(config.keys.loop);
    },
  };
}
