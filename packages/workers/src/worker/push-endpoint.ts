import { type A2AHandler, createA2AHandler } from '@molecule-ai/agent-core/a2a';
import { createKvStopMarker } from '../stores/kv-stop-marker.js';
import type { ExecutionContextLike } from './host-types.js';
import type { AgentWorkerOptions } from './options.js';
import type { WorkerConfig } from './resolve-config.js';

/**
 * Serves one pushed request with the core's A2A endpoint ({@link createA2AHandler}: JSON-RPC
 * parsing, errors, body cap, the reply message). The Worker adds the handler's context (`env`, a
 * client, `waitUntil`) and answers 503 once the agent has stopped (pause, delete), like a Node
 * agent that is shutting down.
 */
export async function servePush<Env>(
  options: AgentWorkerOptions<Env>,
  config: WorkerConfig,
  request: Request,
  env: Env,
  ctx: ExecutionContextLike,
): Promise<Response> {
  if (config.pushPath === null) return new Response(null, { status: 404 });
  const stopped = await createKvStopMarker(config.kv, { prefix: config.keys.stoppedPrefix }).load(
    config.workspaceId,
  );
  const client = config.client();
  const endpoint: A2AHandler = createA2AHandler({
    path: config.pushPath,
    logger: config.logger,
    available: () => stopped === null,
    onMessage: (message, pushContext) =>
      options.handler(message, {
        ...pushContext,
        env,
        client,
        waitUntil: (promise) => ctx.waitUntil(promise),
      }),
  });
  return endpoint(request);
}
