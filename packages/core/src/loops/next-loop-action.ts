import type { Random } from '../ports/clock.js';
import type { LoopFailure } from './loop-failure.js';
import type { LoopPolicy } from './loop-policy.js';
import type { LoopState, OperationSchedule } from './loop-state.js';
import { type StateObservation, stopReasonForState } from './state-observation.js';
import type { LoopStopReason } from './stop-reason.js';

/** Which operations a tick performs. */
export interface TickPlan {
  heartbeat: boolean;
  deliver: boolean;
  pollState: boolean;
}

/** How one operation of a tick went. */
export type OperationOutcome = { ok: true } | { ok: false; failure: LoopFailure };

/**
 * How the delivery step went. `more`: a full batch came back, fetch again at once (drains a
 * backlog without waiting an interval). `blocked`: messages are waiting for a free handler slot.
 */
export type DeliveryOutcome =
  | { ok: true; more: boolean; blocked: boolean }
  | { ok: false; failure: LoopFailure };

/** What a tick did; an operation that was not planned is absent. */
export interface TickOutcome {
  heartbeat?: OperationOutcome;
  delivery?: DeliveryOutcome;
  state?: StateObservation;
}

/**
 * What happened to the loop: it starts, a sleep ended (`wake`), a tick finished, or the caller
 * aborted.
 */
export type LoopEvent =
  | { type: 'start' }
  | { type: 'wake' }
  | { type: 'tick'; outcome: TickOutcome }
  | { type: 'abort' };

/**
 * What the runner must do next. `sleep.waitForSlot`: also wake up as soon as a handler slot
 * frees, because messages are waiting for one.
 */
export type LoopAction =
  | { action: 'tick'; plan: TickPlan; state: LoopState }
  | { action: 'sleep'; delayMs: number; waitForSlot: boolean; state: LoopState }
  | { action: 'stop'; reason: LoopStopReason; state: LoopState };

/** The inputs of a decision besides state and event. */
export interface LoopContext {
  policy: LoopPolicy;
  /** Epoch ms, from the runner's clock. */
  now: number;
  random: Random;
}

/**
 * The delay before retrying an operation that failed `failures` times in a row: exponential from
 * the operation's own interval (from `backoffBaseMs` for a 401, to confirm a revocation quickly),
 * capped, with equal jitter so that many agents do not come back in lockstep, and never shorter
 * than a server's `Retry-After`.
 */
export function loopRetryDelay(
  failure: LoopFailure,
  failures: number,
  intervalMs: number,
  policy: LoopPolicy,
  random: Random,
): number {
  const start = failure.kind === 'unauthorized' ? policy.backoffBaseMs : intervalMs;
  const cap = Math.max(policy.backoffMaxMs, failure.kind === 'unauthorized' ? 0 : intervalMs);
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const ceiling = Math.min(cap, start * 2 ** exponent);
  const jittered = ceiling / 2 + (ceiling / 2) * clampUnit(random());
  const floor = Math.min(failure.retryAfterMs ?? 0, cap);
  return Math.round(Math.max(jittered, floor));
}

function clampUnit(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0.5;
}

/** The operations due at `now` (within the policy's tolerance). */
export function planTick(state: LoopState, policy: LoopPolicy, now: number): TickPlan {
  const due = (schedule: OperationSchedule): boolean => schedule.dueAt <= now + policy.dueToleranceMs;
  return {
    heartbeat: due(state.heartbeat),
    pollState: due(state.statePoll),
    deliver: policy.deliveryIntervalMs !== null && due(state.delivery),
  };
}

function isEmpty(plan: TickPlan): boolean {
  return !plan.heartbeat && !plan.deliver && !plan.pollState;
}

function afterSuccess(now: number, intervalMs: number): OperationSchedule {
  return { dueAt: now + intervalMs, failures: 0 };
}

function afterFailure(
  previous: OperationSchedule,
  failure: LoopFailure,
  intervalMs: number,
  context: LoopContext,
): OperationSchedule {
  const failures = previous.failures + 1;
  const delay = loopRetryDelay(failure, failures, intervalMs, context.policy, context.random);
  return { dueAt: context.now + delay, failures };
}

function stop(state: LoopState, reason: LoopStopReason): LoopAction {
  return { action: 'stop', reason, state: { ...state, stopped: reason } };
}

function sleepUntilNextDue(state: LoopState, context: LoopContext, waitForSlot: boolean): LoopAction {
  const dues = [state.heartbeat.dueAt, state.statePoll.dueAt];
  // A blocked delivery is woken by a free slot, not by the clock.
  if (context.policy.deliveryIntervalMs !== null && !waitForSlot) dues.push(state.delivery.dueAt);
  const delayMs = Math.max(0, Math.min(...dues) - context.now);
  return { action: 'sleep', delayMs, waitForSlot, state };
}

function applyTick(state: LoopState, outcome: TickOutcome, context: LoopContext): LoopAction {
  const { policy, now } = context;
  let next: LoopState = { ...state, iteration: state.iteration + 1 };
  let waitForSlot = false;

  if (outcome.heartbeat) {
    next.heartbeat = outcome.heartbeat.ok
      ? afterSuccess(now, policy.heartbeatIntervalMs)
      : afterFailure(state.heartbeat, outcome.heartbeat.failure, policy.heartbeatIntervalMs, context);
  }

  if (outcome.delivery && policy.deliveryIntervalMs !== null) {
    const delivery = outcome.delivery;
    if (!delivery.ok) {
      next.delivery = afterFailure(state.delivery, delivery.failure, policy.deliveryIntervalMs, context);
    } else if (delivery.more || delivery.blocked) {
      next.delivery = { dueAt: now, failures: 0 };
      waitForSlot = delivery.blocked;
    } else {
      next.delivery = afterSuccess(now, policy.deliveryIntervalMs);
    }
  }

  if (outcome.state) {
    const observation = outcome.state;
    if (observation.kind === 'state') {
      next = {
        ...next,
        statePoll: afterSuccess(now, policy.statePollIntervalMs),
        unauthorizedStreak: 0,
        lastStatus: observation.status,
      };
      const reason = stopReasonForState(observation);
      if (reason) return stop(next, reason);
    } else {
      const failure = observation.failure;
      // Only a 401 extends the streak; a network error in between proves nothing either way.
      const streak = failure.kind === 'unauthorized' ? next.unauthorizedStreak + 1 : next.unauthorizedStreak;
      next = {
        ...next,
        statePoll: afterFailure(state.statePoll, failure, policy.statePollIntervalMs, context),
        unauthorizedStreak: streak,
      };
      if (streak >= policy.revokedAfterUnauthorized) return stop(next, 'revoked');
    }
  }

  if (policy.maxIterations !== null && next.iteration >= policy.maxIterations) {
    // No sleep after the last iteration (Python slept first, then returned).
    return stop(next, 'max-iterations');
  }
  return sleepUntilNextDue(next, context, waitForSlot);
}

/**
 * The loop's whole decision logic: given the state and what just happened, what to do next and
 * when. Pure: no clock, no I/O; the runner (or a Worker's cron tick) performs the action.
 */
export function nextLoopAction(state: LoopState, event: LoopEvent, context: LoopContext): LoopAction {
  if (state.stopped) return { action: 'stop', reason: state.stopped, state };
  switch (event.type) {
    case 'abort':
      return stop(state, 'aborted');
    case 'tick':
      return applyTick(state, event.outcome, context);
    case 'start':
    case 'wake': {
      const { policy } = context;
      if (policy.maxIterations !== null && state.iteration >= policy.maxIterations) {
        return stop(state, 'max-iterations');
      }
      const plan = planTick(state, policy, context.now);
      if (isEmpty(plan)) return sleepUntilNextDue(state, context, false);
      return { action: 'tick', plan, state };
    }
  }
}
