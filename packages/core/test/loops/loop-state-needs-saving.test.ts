import { describe, expect, it } from 'vitest';
import { AuthenticationError, ServerError } from '../../src/errors.js';
import {
  initialLoopState,
  type LoopState,
  loopStateNeedsSaving,
  nextLoopAction,
  observeState,
  observeStateError,
  resolveLoopPolicy,
  type TickOutcome,
} from '../../src/loops/index.js';

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
// The Worker's policy: every operation every 30 s, ticks a cron minute apart.
const policy = resolveLoopPolicy({
  heartbeatIntervalMs: 30_000,
  statePollIntervalMs: 30_000,
  deliveryIntervalMs: 30_000,
});
const online = observeState({ status: 'online', paused: false, deleted: false });
const healthy: TickOutcome = {
  heartbeat: { ok: true },
  delivery: { ok: true, more: false, blocked: false },
  state: online,
};

/** The state after one tick at `now` with `outcome`. */
function after(state: LoopState, now: number, outcome: TickOutcome = healthy): LoopState {
  return nextLoopAction(state, { type: 'tick', outcome }, { policy, now, random: () => 0.5 }).state;
}

const saves = (saved: LoopState | null, next: LoopState, now: number): boolean =>
  loopStateNeedsSaving(saved, next, { policy, nextTickAt: now + MINUTE });

describe('loopStateNeedsSaving', () => {
  it('saves the first state, then nothing while the loop stays healthy', () => {
    const first = after(initialLoopState(T0), T0);
    expect(saves(null, first, T0)).toBe(true);
    // The saved state stays the first one; every later idle tick compares against it.
    let current = first;
    for (let minute = 1; minute <= 5; minute++) {
      const now = T0 + minute * MINUTE;
      current = after(current, now);
      expect(saves(first, current, now)).toBe(false);
    }
  });

  it('a kept due time never skips an operation: the next tick plans the same work from either state', () => {
    const first = after(initialLoopState(T0), T0);
    const later = after(after(first, T0 + MINUTE), T0 + 2 * MINUTE);
    const plan = (state: LoopState, now: number) =>
      nextLoopAction(state, { type: 'wake' }, { policy, now, random: () => 0.5 });
    const nextTick = T0 + 3 * MINUTE;
    expect(plan(first, nextTick)).toMatchObject({ action: 'tick' });
    expect((plan(first, nextTick) as { plan: unknown }).plan).toEqual(
      (plan(later, nextTick) as { plan: unknown }).plan,
    );
  });

  it('saves a failure, a backoff, the recovery, a 401 streak, a new status and a stop', () => {
    const first = after(initialLoopState(T0), T0);
    const now = T0 + MINUTE;
    const failedHeartbeat = after(first, now, {
      ...healthy,
      heartbeat: { ok: false, failure: { kind: 'rate-limited', status: 429, retryAfterMs: 5 * MINUTE } },
    });
    expect(saves(first, failedHeartbeat, now)).toBe(true);
    const recovered = after(failedHeartbeat, now + 6 * MINUTE);
    expect(saves(failedHeartbeat, recovered, now + 6 * MINUTE)).toBe(true);

    const unauthorized = after(first, now, {
      ...healthy,
      state: observeStateError(new AuthenticationError('401', { status: 401, method: 'GET', path: '/s' })),
    });
    expect(unauthorized.unauthorizedStreak).toBe(1);
    expect(saves(first, unauthorized, now)).toBe(true);

    const degraded = after(first, now, {
      ...healthy,
      state: observeState({ status: 'degraded', paused: false, deleted: false }),
    });
    expect(saves(first, degraded, now)).toBe(true);

    const paused = after(first, now, {
      ...healthy,
      state: observeState({ status: 'paused', paused: true, deleted: false }),
    });
    expect(paused.stopped).toBe('paused');
    expect(saves(first, paused, now)).toBe(true);
  });

  it('saves a due time beyond the next tick (a Retry-After on success paths, a failed state poll)', () => {
    const first = after(initialLoopState(T0), T0);
    const now = T0 + MINUTE;
    const serverError = observeStateError(new ServerError('503', { status: 503, method: 'GET', path: '/s' }));
    const next = after(first, now, { ...healthy, state: serverError });
    expect(next.statePoll.failures).toBe(1);
    expect(saves(first, next, now)).toBe(true);
    // The same failure count but a due time moved past the next tick is a change too.
    const pushedOut: LoopState = { ...first, heartbeat: { dueAt: now + 10 * MINUTE, failures: 0 } };
    expect(saves(first, pushedOut, now)).toBe(true);
  });

  it('counts the iteration only when a limit makes it decide something', () => {
    const first = after(initialLoopState(T0), T0);
    const second = after(first, T0 + MINUTE);
    const limited = resolveLoopPolicy({ ...policy, maxIterations: 10 });
    expect(loopStateNeedsSaving(first, second, { policy: limited, nextTickAt: T0 + 2 * MINUTE })).toBe(true);
    expect(loopStateNeedsSaving(first, second, { policy, nextTickAt: T0 + 2 * MINUTE })).toBe(false);
  });

  it('with ticks closer than the intervals (an alarm), every new due time is saved', () => {
    const first = after(initialLoopState(T0), T0);
    const now = T0 + 30_000;
    const second = after(first, now);
    expect(loopStateNeedsSaving(first, second, { policy, nextTickAt: now + 5_000 })).toBe(true);
  });
});
