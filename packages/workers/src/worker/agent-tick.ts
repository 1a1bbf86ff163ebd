import type { CursorState, MessageHandler } from '@molecule-ai/agent-core';
import { createPollDelivery, type PollDelivery } from '@molecule-ai/agent-core/inbound';
import {
  createAgentTickContext,
  initialLoopState,
  type LoopEvent,
  loopStateNeedsSaving,
  resolveLoopPolicy,
  runAgentTick,
  type TickOutcome,
} from '@molecule-ai/agent-core/loops';
import { systemClock, systemRandom } from '@molecule-ai/agent-core/ports';
import { createKvCursorStore } from '../stores/kv-cursor-store.js';
import { createKvStopMarker } from '../stores/kv-stop-marker.js';
import { createTickCursorBuffer } from '../stores/tick-cursor-buffer.js';
import type { AgentTickReport } from './agent-tick-report.js';
import type { ExecutionContextLike } from './host-types.js';
import {
  type IsolateMemory,
  type RememberedAgent,
  rememberingCursorStore,
  rememberingTokenStore,
} from './isolate-memory.js';
import { parseLoopStateText, saveLoopState } from './kv-loop-state.js';
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

/** Whether any operation of the tick got a 401: the token in use may be replaced or revoked. */
function sawUnauthorized(outcome: TickOutcome): boolean {
  const state = outcome.state;
  return (
    (outcome.heartbeat?.ok === false && outcome.heartbeat.failure.kind === 'unauthorized') ||
    (outcome.delivery?.ok === false && outcome.delivery.failure.kind === 'unauthorized') ||
    (state?.kind === 'failed' && state.failure.kind === 'unauthorized')
  );
}

/**
 * One cron tick of a Worker agent. Every decision (what is due, what a response means, when to
 * stop, how rows become messages, where replies go) is the core's; this is only the Workers glue:
 *
 * 1. read the loop state's KV key; while it holds the text this isolate last read or wrote, what the
 *    isolate remembers is current (see {@link RememberedAgent}: the stop marker, the cursor and the
 *    token need no read); otherwise a stop marker in KV ends the tick before any request (no
 *    register or heartbeat after delete);
 * 2. without saved loop state (or without a token visible here), register first, then start the loop;
 * 3. run one tick of the core's loop ({@link runAgentTick}), waiting for the handlers;
 * 4. write the cursor once (only if it changed), the loop state when the next tick would decide
 *    differently from the saved one ({@link loopStateNeedsSaving}) or the cursor was written, and
 *    the stop marker if the tick decided to stop. An idle tick of a healthy agent whose isolate ran
 *    the previous tick thus costs one KV read and no write.
 */
export async function runWorkerTick<Env>(
  options: AgentWorkerOptions<Env>,
  config: WorkerConfig,
  env: Env,
  ctx: ExecutionContextLike,
  memory: IsolateMemory = new Map(),
): Promise<AgentTickReport> {
  const { workspaceId, kv, logger } = config;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const report: AgentTickReport = {
    workspaceId,
    result: 'ran',
    stopReason: null,
    registered: false,
    tick: null,
    cursorWrites: 0,
    loopStateWrites: 0,
  };

  const loopKey = config.keys.loop;
  const loopText = await kv.get(loopKey);
  let remembered = memory.get(loopKey);
  if (remembered?.loopText !== loopText) {
    // Someone else wrote (or this isolate never read): nothing remembered is current.
    memory.delete(loopKey);
    remembered = undefined;
    const stopped = await createKvStopMarker(kv, { prefix: config.keys.stoppedPrefix }).load(workspaceId);
    if (stopped) {
      logger.debug('agent stopped earlier; tick skipped', { workspaceId, reason: stopped.reason });
      return { ...report, result: 'skipped', stopReason: stopped.reason };
    }
  }

  const known: { token: string | undefined; cursor: CursorState | null | undefined } = {
    token: remembered?.token,
    cursor: remembered?.cursor,
  };
  const tokenStore = rememberingTokenStore(config.tokenStore, known);
  const client = config.client(tokenStore);
  // KV holds `saved`; the tick starts from the exact state this isolate remembers, when current.
  const saved = parseLoopStateText(loopText);
  let state = remembered?.loop ?? saved;
  let event: Extract<LoopEvent, { type: 'start' | 'wake' }> = { type: 'wake' };
  // Register on the first tick, and whenever this location cannot see a token: KV is eventually
  // consistent, and a heartbeat or state poll without the token would count as a revocation.
  // Register sends the token when there is one and fails (TokenLostError) rather than mint twice.
  const tokenKnown = config.presetToken !== undefined || (await tokenStore.load(workspaceId)) !== null;
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

  const cursors = createTickCursorBuffer(
    rememberingCursorStore(createKvCursorStore(kv, { prefix: config.keys.cursorPrefix }), known),
  );
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
  let text = loopText;
  // A written cursor changes the loop state's text too: that is how other isolates know to read it.
  if (
    report.cursorWrites > 0 ||
    loopStateNeedsSaving(saved, next.state, {
      policy: context.policy,
      nextTickAt: clock.now() + CRON_SPACING_MS,
    })
  ) {
    text = await saveLoopState(kv, loopKey, next.state);
    report.loopStateWrites = 1;
  }
  if (next.action === 'stop') {
    memory.delete(loopKey);
    report.stopReason = next.reason;
    await createKvStopMarker(kv, { prefix: config.keys.stoppedPrefix }).save(workspaceId, {
      reason: next.reason,
      atMs: clock.now(),
    });
    logger.info('agent stopped; later ticks do nothing until resumed', { workspaceId, reason: next.reason });
  } else if (text !== null) {
    memory.set(loopKey, {
      loopText: text,
      loop: next.state,
      cursor: known.cursor,
      // A 401 may mean the token was replaced or revoked: the next tick reads KV again.
      token: sawUnauthorized(report.tick.outcome) ? undefined : known.token,
    });
  }
  return report;
}
