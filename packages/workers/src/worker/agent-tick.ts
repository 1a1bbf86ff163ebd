import type { MessageHandler } from '@molecule-ai/agent-core';
import { createPollDelivery, type PollDelivery } from '@molecule-ai/agent-core/inbound';
import {
  createAgentTickContext,
  initialLoopState,
  type LoopEvent,
  loopStateNeedsSaving,
  resolveLoopPolicy,
  runAgentTick,
} from '@molecule-ai/agent-core/loops';
import { systemClock, systemRandom } from '@molecule-ai/agent-core/ports';
import { createKvCursorStore } from '../stores/kv-cursor-store.js';
import { createKvStopMarker } from '../stores/kv-stop-marker.js';
import { createTickCursorBuffer } from '../stores/tick-cursor-buffer.js';
import type { AgentTickReport } from './agent-tick-report.js';
import type { ExecutionContextLike } from './host-types.js';
import { loadLoopState, saveLoopState } from './kv-loop-state.js';
import { loopClientOf } from './loop-client-of.js';
import type { AgentWorkerContext, AgentWorkerOptions } from './options.js';
import type { WorkerConfig } from './resolve-config.js';

/**
 * Intervals of the loop on Workers. Shorter than the 1-minute cron on purpose: every operation is
 * due at every tick, and the core's backoff (a `Retry-After`, a 401 streak) still carries over
 * from one tick to the next through the saved loop state.
 */
const WORKER_INTERVAL_MS = 30_000;

/**
 * The shortest spacing of Cloudflare cron triggers: the next cron tick runs a minute later at the
 * earliest, so a due time within that minute need not be written to KV.
 */
const CRON_SPACING_MS = 60_000;

/**
 * One cron tick of a Worker agent. Every decision (what is due, what a response means, when to
 * stop, how rows become messages, where replies go) is the core's; this is only the Workers glue:
 *
 * 1. a stop marker in KV ends the tick before any request (no register or heartbeat after delete);
 * 2. without saved loop state (or without a token visible here), register first, then start the loop;
 * 3. run one tick of the core's loop ({@link runAgentTick}), waiting for the handlers;
 * 4. write the cursor once (only if it changed), the loop state only when the next tick would
 *    decide differently from the saved one ({@link loopStateNeedsSaving}: an idle tick of a healthy
 *    agent writes nothing), and the stop marker if the tick decided to stop.
 */
export async function runWorkerTick<Env>(
  options: AgentWorkerOptions<Env>,
  config: WorkerConfig,
  env: Env,
  ctx: ExecutionContextLike,
): Promise<AgentTickReport> {
  const { workspaceId, kv, logger } = config;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const marker = createKvStopMarker(kv, { prefix: config.keys.stoppedPrefix });
  const report: AgentTickReport = {
    workspaceId,
    result: 'ran',
    stopReason: null,
    registered: false,
    tick: null,
    cursorWrites: 0,
    loopStateWrites: 0,
  };

  const stopped = await marker.load(workspaceId);
  if (stopped) {
    logger.debug('agent stopped earlier; tick skipped', { workspaceId, reason: stopped.reason });
    return { ...report, result: 'skipped', stopReason: stopped.reason };
  }

  const client = config.client();
  const saved = await loadLoopState(kv, config.keys.loop);
  let state = saved;
  let event: Extract<LoopEvent, { type: 'start' | 'wake' }> = { type: 'wake' };
  // Register on the first tick, and whenever this location cannot see a token: KV is eventually
  // consistent, and a heartbeat or state poll without the token would count as a revocation.
  // Register sends the token when there is one and fails (TokenLostError) rather than mint twice.
  const tokenKnown = config.presetToken !== undefined || (await config.tokenStore.load(workspaceId)) !== null;
  if (!state || !tokenKnown) {
    try {
      await client.register();
    } catch (error) {
      logger.error('register failed; the next tick tries again', { workspaceId, error });
      return { ...report, result: 'failed', error };
    }
    report.registered = true;
  }
  if (!state) {
    state = initialLoopState(clock.now());
    event = { type: 'start' };
  }

  const cursors = createTickCursorBuffer(createKvCursorStore(kv, { prefix: config.keys.cursorPrefix }));
  const delivery: PollDelivery | null = config.pushPath
    ? null
    : createPollDelivery({
        client,
        cursorStore: cursors,
        intervalMs: WORKER_INTERVAL_MS,
        logger,
        limit: options.pollLimit,
      });
  const context = createAgentTickContext<AgentWorkerContext<Env>>({
    client: loopClientOf(client, state, () => clock.now()),
    replyClient: client,
    handler: options.handler as MessageHandler<AgentWorkerContext<Env>>,
    handlerContext: { env, client, waitUntil: (promise) => ctx.waitUntil(promise) },
    delivery,
    policy: resolveLoopPolicy({
      heartbeatIntervalMs: WORKER_INTERVAL_MS,
      statePollIntervalMs: WORKER_INTERVAL_MS,
      deliveryIntervalMs: delivery?.intervalMs ?? null,
    }),
    clock,
    random,
    logger,
    waitForHandlers: true,
  });

  try {
    report.tick = await runAgentTick(context, state, event);
  } finally {
    await delivery?.stop();
    report.cursorWrites = await cursors.flush();
  }
  const next = report.tick.next;
  const policy = context.policy;
  if (loopStateNeedsSaving(saved, next.state, { policy, nextTickAt: clock.now() + CRON_SPACING_MS })) {
    await saveLoopState(kv, config.keys.loop, next.state);
    report.loopStateWrites = 1;
  }
  if (next.action === 'stop') {
    report.stopReason = next.reason;
    await marker.save(workspaceId, { reason: next.reason, atMs: clock.now() });
    logger.info('agent stopped; later ticks do nothing until resumed', { workspaceId, reason: next.reason });
  }
  return report;
}
