import {
  type PushDeliveryOptions,
  type ServedPushDelivery,
  servePushDelivery,
} from '@molecule-ai/agent-core/inbound';
import { type PushServer, type PushServerOptions, startPushServer } from './push-server.js';

/** Options of {@link startPushDelivery}: the delivery's and the server's. */
export type StartPushDeliveryOptions = PushDeliveryOptions &
  Omit<PushServerOptions, 'handler' | 'onMessage' | 'path' | 'maxBodyBytes'>;

/** A push delivery served by a Node push server. */
export type StartedPushDelivery = ServedPushDelivery<PushServer>;

/**
 * Starts a push server for a push delivery: give the result to `runAgentLoop({ delivery })` and
 * register its `url`. Stopping the delivery (the loop does it on exit) drains and closes the
 * server. The path is an unguessable capability path unless you set one.
 */
export async function startPushDelivery(
  options: StartPushDeliveryOptions = {},
): Promise<StartedPushDelivery> {
  return servePushDelivery(options, startPushServer);
}
