import {
  type PushDeliveryOptions,
  type ServedPushDelivery,
  servePushDelivery,
} from '@molecule-ai/agent-core/inbound';
import { type PushServer, type PushServerOptions, startPushServer } from './push-server.js';

/** Options of {@link startPushDelivery} (Bun): the delivery's and the server's. */
export type StartPushDeliveryOptions = PushDeliveryOptions &
  Omit<PushServerOptions, 'handler' | 'onMessage' | 'path' | 'maxBodyBytes'>;

/** A push delivery served by a Bun push server. */
export type StartedPushDelivery = ServedPushDelivery<PushServer>;

/**
 * Starts a `Bun.serve` push server for a push delivery: give the result to
 * `runAgentLoop(handler, { delivery })` and register its `url`. Pushed messages then go through
 * the loop's own handler, concurrency limit and in-flight accounting, and the reply is the
 * JSON-RPC response. Stopping the delivery (the loop does it on exit) drains and closes the
 * server. The path is an unguessable capability path unless you set one.
 *
 * @example
 * const delivery = await startPushDelivery({ publicOrigin: 'http://localhost:{port}' });
 * const client = createAgentClient({ workspaceId, platformUrl, tokenStore, reportedUrl: delivery.url });
 * await client.register();
 * await runAgentLoop((message) => `echo: ${message.text}`, { client, delivery });
 */
export async function startPushDelivery(
  options: StartPushDeliveryOptions = {},
): Promise<StartedPushDelivery> {
  return servePushDelivery(options, startPushServer);
}
