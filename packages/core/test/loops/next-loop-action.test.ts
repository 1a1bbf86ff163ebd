import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConnectionError,
  NotFoundError,
  RateLimitError,
  ServerError,
} from '../../src/errors.js';
import {
  classifyLoopFailure,
  initialLoopState,
  type LoopAction,
  type LoopContext,
  type LoopPolicy,
  type LoopState,
  nextLoopAction,
  observeState,
  observeStateError,
  resolveLoopPolicy,
  type TickOutcome,
} from '../../src/loops/index.js';
import { loopRetryDelay } from '../../src/loops/next-loop-action.js';

const T0 = 1_700_000_000_000;
const ok = { ok: true } as const;

function ctx(policy: Partial<LoopPolicy> = {}, now = T0, random = () => 0.5): LoopContext {
  return { policy: resolveLoopPolicy(policy), now, random };
}

function tick(state: LoopState, outcome: TickOutcome, context: LoopContext): LoopAction {
  return nextLoopAction(state, { type: 'tick', outcome }, context);
}

const online = observeState({ status: 'online', paused: false, deleted: false });

describe('nextLoopAction', () => {
  it('starts with a tick that does everything', () => {
    const action = nextLoopAction(initialLoopState(T0), { type: 'start' }, ctx({ deliveryIntervalMs: 5000 }));
    expect(action).toMatchObject({
      action: 'tick',
      plan: { heartbeat: true, pollState: true, deliver: true },
    });
  });

  it('a heartbeat-only loop never plans a delivery', () => {
    const action = nextLoopAction(initialLoopState(T0), { type: 'start' }, ctx());
    expect(action).toMatchObject({
      action: 'tick',
      plan: { heartbeat: true, pollState: true, deliver: false },
    });
  });

  it('maxIterations 0 stops before any I/O', () => {
    expect(nextLoopAction(initialLoopState(T0), { type: 'start' }, ctx({ maxIterations: 0 }))).toMatchObject({
      action: 'stop',
      reason: 'max-iterations',
    });
  });

  it('sleeps until the earliest due operation: min of the intervals', () => {
    const context = ctx({
      heartbeatIntervalMs: 30_000,
      statePollIntervalMs: 30_000,
      deliveryIntervalMs: 5_000,
    });
    const action = tick(
      initialLoopState(T0),
      { heartbeat: ok, state: online, delivery: { ok: true, more: false, blocked: false } },
      context,
    );
    expect(action).toMatchObject({ action: 'sleep', delayMs: 5_000, waitForSlot: false });
    // Five seconds later only the delivery is due.
    const wake = nextLoopAction(action.state, { type: 'wake' }, { ...context, now: T0 + 5_000 });
    expect(wake).toMatchObject({
      action: 'tick',
      plan: { heartbeat: false, pollState: false, deliver: true },
    });
  });

  it('no sleep after the last iteration: the last tick stops with max-iterations', () => {
    const context = ctx({ maxIterations: 2 });
    const first = tick(initialLoopState(T0), { heartbeat: ok, state: online }, context);
    expect(first.action).toBe('sleep');
    const second = tick(first.state, { heartbeat: ok, state: online }, context);
    expect(second).toMatchObject({ action: 'stop', reason: 'max-iterations' });
    expect(second.state.iteration).toBe(2);
  });

  it('paused state stops with a normalised "paused" even when status says otherwise', () => {
    const action = tick(
      initialLoopState(T0),
      { state: observeState({ status: 'online', paused: true }) },
      ctx(),
    );
    expect(action).toMatchObject({ action: 'stop', reason: 'paused' });
    expect(tick(initialLoopState(T0), { state: observeState({ status: 'paused' }) }, ctx())).toMatchObject({
      reason: 'paused',
    });
  });

  it('deleted (deleted:true, status removed, or a 404 whose body says deleted) stops with "deleted"', () => {
    const notFound = new NotFoundError('gone', {
      status: 404,
      method: 'GET',
      path: '/workspaces/x/state',
      body: { workspace_id: 'x', deleted: true },
    });
    for (const state of [
      observeState({ status: 'removed', deleted: true }),
      observeState({ status: 'removed' }),
      observeStateError(notFound),
    ]) {
      expect(tick(initialLoopState(T0), { state }, ctx())).toMatchObject({
        action: 'stop',
        reason: 'deleted',
      });
    }
  });

  it('an empty 404 on /state is a misroute, not a deletion (Python exited on any 404)', () => {
    const misroute = new NotFoundError('404', { status: 404, method: 'GET', path: '/workspaces/x/state' });
    const observation = observeStateError(misroute);
    expect(observation).toEqual({ kind: 'failed', failure: { kind: 'unreachable', status: 404 } });
    expect(tick(initialLoopState(T0), { state: observation }, ctx()).action).toBe('sleep');
  });

  it('a persistent 401 on /state means revoked; a success in between resets the streak', () => {
    const unauthorized = observeStateError(
      new AuthenticationError('401', { status: 401, method: 'GET', path: '/s' }),
    );
    const context = ctx({ revokedAfterUnauthorized: 3 });
    let state = initialLoopState(T0);
    let action = tick(state, { state: unauthorized }, context);
    action = tick(action.state, { state: unauthorized }, context);
    expect(action.action).toBe('sleep');
    action = tick(action.state, { state: online }, context);
    expect(action.state.unauthorizedStreak).toBe(0);
    state = action.state;
    for (let i = 0; i < 2; i++) {
      action = tick(state, { state: unauthorized }, context);
      state = action.state;
    }
    expect(action.action).toBe('sleep');
    expect(tick(state, { state: unauthorized }, context)).toMatchObject({
      action: 'stop',
      reason: 'revoked',
    });
  });

  it('a network error between 401s neither resets nor extends the streak', () => {
    const unauthorized = observeStateError(
      new AuthenticationError('401', { status: 401, method: 'GET', path: '/s' }),
    );
    const down = observeStateError(new ConnectionError('refused'));
    const context = ctx({ revokedAfterUnauthorized: 2 });
    const a = tick(initialLoopState(T0), { state: unauthorized }, context);
    const b = tick(a.state, { state: down }, context);
    expect(b.state.unauthorizedStreak).toBe(1);
    expect(tick(b.state, { state: unauthorized }, context)).toMatchObject({ reason: 'revoked' });
  });

  it('a 401 is re-checked quickly (1 s, 2 s …), not after a whole state interval', () => {
    const unauthorized = observeStateError(
      new AuthenticationError('401', { status: 401, method: 'GET', path: '/s' }),
    );
    const action = tick(
      initialLoopState(T0),
      { heartbeat: ok, state: unauthorized },
      ctx({}, T0, () => 1),
    );
    expect(action.state.statePoll.dueAt - T0).toBe(1_000);
  });

  it('backs off with jitter while the platform is unreachable instead of hammering it', () => {
    const down = { ok: false, failure: classifyLoopFailure(new ConnectionError('refused')) } as const;
    const stateDown = observeStateError(new ServerError('502', { status: 502, method: 'GET', path: '/s' }));
    const policy = { heartbeatIntervalMs: 30_000, statePollIntervalMs: 30_000, backoffMaxMs: 120_000 };
    let state = initialLoopState(T0);
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const action = tick(
        state,
        { heartbeat: down, state: stateDown },
        ctx(policy, T0, () => 1),
      );
      expect(action.action).toBe('sleep');
      delays.push((action as { delayMs: number }).delayMs);
      state = action.state;
    }
    // random() = 1 gives the upper edge of equal jitter: the doubling itself.
    expect(delays).toEqual([30_000, 60_000, 120_000, 120_000]);
    // random() = 0 gives the lower edge: half of it.
    const low = tick(
      initialLoopState(T0),
      { heartbeat: down },
      ctx(policy, T0, () => 0),
    );
    expect(low.state.heartbeat.dueAt - T0).toBe(15_000);
    // One success resets the count.
    const recovered = tick(state, { heartbeat: ok, state: online }, ctx(policy));
    expect(recovered.state.heartbeat).toEqual({ dueAt: T0 + 30_000, failures: 0 });
  });

  it('honours a rate limit Retry-After as the minimum delay', () => {
    const limited = {
      ok: false,
      failure: classifyLoopFailure(
        new RateLimitError('429', { status: 429, method: 'GET', path: '/a', retryAfterMs: 45_000 }),
      ),
    } as const;
    const action = tick(
      initialLoopState(T0),
      { delivery: limited },
      ctx({ deliveryIntervalMs: 5_000 }, T0, () => 0),
    );
    expect(action.state.delivery.dueAt - T0).toBe(45_000);
  });

  it('a full batch makes the delivery due again at once (backlog drain)', () => {
    const context = ctx({ deliveryIntervalMs: 5_000 });
    const action = tick(
      initialLoopState(T0),
      { heartbeat: ok, state: online, delivery: { ok: true, more: true, blocked: false } },
      context,
    );
    expect(action).toMatchObject({ action: 'sleep', delayMs: 0, waitForSlot: false });
    expect(nextLoopAction(action.state, { type: 'wake' }, context)).toMatchObject({
      action: 'tick',
      plan: { deliver: true, heartbeat: false, pollState: false },
    });
  });

  it('a blocked delivery sleeps until the next other due time and asks to be woken by a free slot', () => {
    const context = ctx({
      deliveryIntervalMs: 5_000,
      heartbeatIntervalMs: 30_000,
      statePollIntervalMs: 20_000,
    });
    const action = tick(
      initialLoopState(T0),
      { heartbeat: ok, state: online, delivery: { ok: true, more: false, blocked: true } },
      context,
    );
    expect(action).toMatchObject({ action: 'sleep', delayMs: 20_000, waitForSlot: true });
    expect(nextLoopAction(action.state, { type: 'wake' }, { ...context, now: T0 + 10 })).toMatchObject({
      plan: { deliver: true },
    });
  });

  it('abort stops with "aborted" and a stopped state stays stopped', () => {
    const aborted = nextLoopAction(initialLoopState(T0), { type: 'abort' }, ctx());
    expect(aborted).toMatchObject({ action: 'stop', reason: 'aborted' });
    expect(nextLoopAction(aborted.state, { type: 'wake' }, ctx())).toMatchObject({
      action: 'stop',
      reason: 'aborted',
    });
  });

  it('waking early with nothing due sleeps again for the rest', () => {
    const context = ctx({ heartbeatIntervalMs: 30_000, statePollIntervalMs: 30_000 });
    const action = tick(initialLoopState(T0), { heartbeat: ok, state: online }, context);
    expect(nextLoopAction(action.state, { type: 'wake' }, { ...context, now: T0 + 10_000 })).toMatchObject({
      action: 'sleep',
      delayMs: 20_000,
    });
  });

  it('the state is plain JSON (a Worker can store it between ticks)', () => {
    const action = tick(initialLoopState(T0), { heartbeat: ok, state: online }, ctx());
    expect(JSON.parse(JSON.stringify(action.state))).toEqual(action.state);
  });
});

describe('loopRetryDelay', () => {
  it('never goes below Retry-After, never above the cap', () => {
    const policy = resolveLoopPolicy({ backoffMaxMs: 60_000 });
    expect(loopRetryDelay({ kind: 'unreachable' }, 50, 5_000, policy, () => 1)).toBe(60_000);
    expect(
      loopRetryDelay({ kind: 'rate-limited', retryAfterMs: 10 * 60_000 }, 1, 5_000, policy, () => 0),
    ).toBe(60_000);
    expect(loopRetryDelay({ kind: 'unreachable' }, 1, 5_000, policy, () => Number.NaN)).toBe(3_750);
  });
});

describe('classifyLoopFailure', () => {
  it('maps the SDK errors to kinds', () => {
    const api = (status: number) => ({ status, method: 'GET', path: '/x' });
    expect(classifyLoopFailure(new ConnectionError('x'))).toEqual({ kind: 'unreachable' });
    expect(classifyLoopFailure(new ServerError('x', api(503)))).toEqual({ kind: 'unreachable', status: 503 });
    expect(classifyLoopFailure(new AuthenticationError('x', api(401)))).toEqual({
      kind: 'unauthorized',
      status: 401,
    });
    expect(classifyLoopFailure(new RateLimitError('x', api(429)))).toEqual({
      kind: 'rate-limited',
      status: 429,
    });
    expect(classifyLoopFailure(new TypeError('bug'))).toEqual({ kind: 'unexpected' });
  });
});

describe('resolveLoopPolicy', () => {
  it('rejects intervals that would spin the loop', () => {
    expect(() => resolveLoopPolicy({ heartbeatIntervalMs: 0 })).toThrow(/heartbeatIntervalMs/);
    expect(() => resolveLoopPolicy({ deliveryIntervalMs: -1 })).toThrow(/deliveryIntervalMs/);
    expect(() => resolveLoopPolicy({ maxIterations: 1.5 })).toThrow(/maxIterations/);
    expect(resolveLoopPolicy({ maxIterations: undefined }).maxIterations).toBeNull();
  });
});
