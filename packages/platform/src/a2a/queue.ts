/**
 * The A2A queue (`H/a2a_queue.go`): requests that met a busy agent wait here and one is
 * dispatched whenever the target heartbeats with spare capacity; up to 5 attempts each.
 */
import type { SimCore } from '../core.js';
import { completeDelegation, failDelegation } from './delegation.js';
import { proxyA2ARequest } from './proxy.js';

/** Attempts before a queued item is given up. */
export const MAX_QUEUE_ATTEMPTS = 5;

/** Dispatches the oldest queued item of a workspace in the background, if there is one. */
export function drainQueue(
  core: SimCore,
  workspaceId: string,
  waitUntil?: (promise: Promise<unknown>) => void,
): void {
  const index = core.store.queue.findIndex((q) => q.workspaceId === workspaceId);
  if (index < 0) return;
  const [item] = core.store.queue.splice(index, 1);
  if (!item) return;
  core.background.run(async () => {
    item.attempts++;
    const outcome = await proxyA2ARequest(core, workspaceId, item.body, item.callerId, {
      logActivity: true,
      fromQueue: item,
    });
    const d = item.delegation;
    if (outcome.kind === 'ok') {
      if (d) completeDelegation(core, d.sourceId, workspaceId, d.delegationId, outcome.body);
      return;
    }
    if (item.attempts < MAX_QUEUE_ATTEMPTS) {
      core.store.queue.unshift(item);
      return;
    }
    if (d) {
      const message = outcome.kind === 'error' ? String(outcome.body.error) : 'queue item failed';
      failDelegation(core, d.sourceId, workspaceId, d.delegationId, message);
    }
  }, waitUntil);
}
