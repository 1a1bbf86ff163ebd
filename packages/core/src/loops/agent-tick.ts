import type { DeliveryRunResult, InboundDelivery } from '../inbound/inbound-delivery.js';
import type { MessageDispatcher } from '../inbound/message-dispatcher.js';
import { normaliseTaskReport, type TaskReport, taskReportFromInFlight } from '../inbound/task-report.js';
import type { Clock, Random } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';
import { type TickErrors, warnTickFailures } from './failure-warnings.js';
import type { LoopClient } from './loop-client.js';
import { classifyLoopFailure } from './loop-failure.js';
import type { LoopPolicy } from './loop-policy.js';
import type { LoopState } from './loop-state.js';
import {
  type LoopAction,
  type LoopEvent,
  nextLoopAction,
  type TickOutcome,
  type TickPlan,
} from './next-loop-action.js';
import { observeState, observeStateError } from './state-observation.js';

/** Everything one tick needs. The same object serves every tick of a loop. */
export interface AgentTickContext {
  client: LoopClient;
  policy: LoopPolicy;
  clock: Clock;
  random: Random;
  /** The inbound delivery, or `null` for a heartbeat-only loop. */
  delivery: InboundDelivery | null;
  /** The handler pool; required with a delivery. */
  dispatcher: MessageDispatcher | null;
  /**
   * What the heartbeat reports. Default: derived from the handlers in flight. A supplier that
   * throws is logged and reports nothing (`""`, 0).
   */
  taskReport?: () => unknown | undefined;
  /**
   * `true` (a Worker's tick): wait for every dispatched handler before the tick returns.
   * `false` (the long-running loop): handlers keep running across ticks.
   */
  waitForHandlers?: boolean | undefined;
  /**
   * When the heartbeat and the state poll are next due (epoch ms), for operations not in this
   * tick's plan: a blocked delivery may keep handing out messages until then. Absent: it returns
   * as soon as the handler slots are full.
   */
  nextDue?: { heartbeat: number; statePoll: number };
  signal?: AbortSignal;
  logger?: Logger;
}

/** What one tick did and what comes next. */
export interface AgentTickResult {
  /** The operations this tick performed (all `false` when nothing was due). */
  plan: TickPlan;
  outcome: TickOutcome;
  /** The delivery's own report, when it ran. */
  delivery: DeliveryRunResult | null;
  /** The decision after the tick: sleep (how long), or stop (why). Its `state` is the new state. */
  next: LoopAction;
}

/** Unknown report keys already warned about, per supplier: a typo is worth one warning, not one per tick. */
const warnedKeys = new WeakMap<object, Set<string>>();

function reportOf(context: AgentTickContext, logger: Logger): TaskReport {
  const supplier = context.taskReport;
  if (supplier) {
    try {
      return normaliseTaskReport(supplier(), {
        onUnknownKey: (key) => {
          let warned = warnedKeys.get(supplier);
          if (!warned) {
            warned = new Set();
            warnedKeys.set(supplier, warned);
          }
          if (warned.has(key)) return;
          warned.add(key);
          logger.warn(
            'the task report has an unknown key; it is not sent (use currentTask, activeTasks, errorRate, sampleError or their snake_case forms)',
            { key },
          );
        },
      });
    } catch (error) {
      logger.warn('task report supplier failed; reporting no task', { error });
      return { activeTasks: 0, currentTask: '' };
    }
  }
  return taskReportFromInFlight(context.dispatcher?.inFlight() ?? []);
}

/**
 * Lets the delivery wait for free handler slots within this tick, until the next heartbeat or
 * state poll is due (or the loop stops). The deadline timer is only created on the first wait,
 * so a tick that never waits costs nothing.
 */
function slotWaiter(
  plan: TickPlan,
  context: AgentTickContext,
): { wait: () => Promise<boolean>; close(): void } {
  let deadline: AbortController | undefined;
  const onStop = (): void => deadline?.abort();
  const close = (): void => {
    deadline?.abort();
    context.signal?.removeEventListener('abort', onStop);
  };
  const dispatcher = context.dispatcher!;
  const wait = async (): Promise<boolean> => {
    if (!deadline) {
      deadline = new AbortController();
      const { policy, clock } = context;
      const now = clock.now();
      const budget = Math.min(
        plan.heartbeat ? policy.heartbeatIntervalMs : Math.max(0, (context.nextDue?.heartbeat ?? now) - now),
        plan.pollState ? policy.statePollIntervalMs : Math.max(0, (context.nextDue?.statePoll ?? now) - now),
      );
      if (context.signal?.aborted || budget <= 0) deadline.abort();
      else {
        context.signal?.addEventListener('abort', onStop, { once: true });
        clock.sleep(budget, deadline.signal).then(
          () => deadline?.abort(),
          () => {},
        );
      }
    }
    if (deadline.signal.aborted) return false;
    await dispatcher.whenAvailable(deadline.signal);
    return !deadline.signal.aborted;
  };
  return { wait, close };
}

/**
 * Performs the operations of `plan`, in Python's order: heartbeat, delivery, state. Never throws:
 * failures are classified into the outcome and their errors returned in `errors`, to be logged
 * once the next try is known (see `warnTickFailures`).
 */
export async function performTick(
  plan: TickPlan,
  context: AgentTickContext,
): Promise<{ outcome: TickOutcome; delivery: DeliveryRunResult | null; errors: TickErrors }> {
  const logger = context.logger ?? silentLogger;
  const outcome: TickOutcome = {};
  const errors: TickErrors = {};
  let delivered: DeliveryRunResult | null = null;
  if (plan.heartbeat) {
    const report = reportOf(context, logger);
    try {
      await context.client.heartbeat(report);
      outcome.heartbeat = { ok: true };
    } catch (error) {
      errors.heartbeat = error;
      outcome.heartbeat = { ok: false, failure: classifyLoopFailure(error) };
    }
  }
  if (plan.deliver && context.delivery && context.dispatcher) {
    const slots = slotWaiter(plan, context);
    try {
      delivered = await context.delivery.runOnce(context.dispatcher, {
        wait: context.waitForHandlers ?? false,
        waitForSlot: slots.wait,
        signal: context.signal,
      });
      outcome.delivery = { ok: true, more: delivered.more, blocked: delivered.blocked };
    } catch (error) {
      errors.delivery = error;
      outcome.delivery = { ok: false, failure: classifyLoopFailure(error) };
    } finally {
      slots.close();
    }
  }
  if (plan.pollState) {
    try {
      outcome.state = observeState(await context.client.pollState());
    } catch (error) {
      outcome.state = observeStateError(error);
      if (outcome.state.kind === 'failed') errors.state = error;
    }
  }
  return { outcome, delivery: delivered, errors };
}

/**
 * One tick of the agent loop, for hosts that cannot keep a loop running (a Worker's cron tick
 * or alarm): decide what is due in `state`, do it, and return the next decision with the new
 * state to keep until the next step. `event` is `start` for the very first step.
 *
 * ```ts
 * const tick = await runAgentTick(context, saved ?? initialLoopState(Date.now()));
 * if (tick.next.action === 'stop') ... // paused, deleted, revoked
 * await kv.put('loop', JSON.stringify(tick.next.state));
 * ```
 */
export async function runAgentTick(
  context: AgentTickContext,
  state: LoopState,
  event: Extract<LoopEvent, { type: 'start' | 'wake' }> = { type: 'wake' },
): Promise<AgentTickResult> {
  const decide = (at: LoopState, e: LoopEvent): LoopAction =>
    nextLoopAction(at, e, { policy: context.policy, now: context.clock.now(), random: context.random });
  const first = decide(state, event);
  const nothing: TickPlan = { heartbeat: false, deliver: false, pollState: false };
  if (first.action !== 'tick') return { plan: nothing, outcome: {}, delivery: null, next: first };
  const { outcome, delivery, errors } = await performTick(first.plan, context);
  const next = decide(first.state, { type: 'tick', outcome });
  warnTickFailures(errors, next, context.clock.now(), context.logger ?? silentLogger);
  return { plan: first.plan, outcome, delivery, next };
}
