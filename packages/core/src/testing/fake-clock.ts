import type { Clock } from '../ports/clock.js';

/**
 * A {@link Clock} for tests: time moves only when the code under test sleeps or the test calls
 * `advance`, so retries, backoff and loops run at full speed without fake timers.
 */
export interface FakeClock extends Clock {
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[];
  /** The sleeps that ran to the end (not cut short by their signal). */
  readonly completed: number[];
  /** Moves `now` forward by `ms` without anyone sleeping. */
  advance(ms: number): void;
  /**
   * Runs when a sleep starts, before it returns; may be async (e.g. pause the workspace, or abort
   * the caller's signal mid-backoff). `index` counts sleeps from 0.
   */
  onSleep: ((ms: number, index: number) => void | Promise<void>) | undefined;
}

/** Options of {@link createFakeClock}. */
export interface FakeClockOptions {
  /** The first `now()`. Default 2023-11-14T22:13:20Z (1_700_000_000_000). */
  start?: number | undefined;
  /**
   * Let pending I/O run (one macrotask) inside every sleep, as a real sleep would. Default true;
   * `false` keeps a sleep to the microtask queue, for code with no I/O of its own.
   */
  yieldToIo?: boolean | undefined;
  /** See {@link FakeClock.onSleep}. */
  onSleep?: ((ms: number, index: number) => void | Promise<void>) | undefined;
}

/**
 * Creates a fake clock. A sleep records its length, runs `onSleep`, lets pending I/O run, then
 * moves `now` forward by its length; an aborted signal rejects it with the signal's reason, before
 * or after the wait, like `systemClock`.
 *
 * ```ts
 * const clock = createFakeClock();
 * const client = createAgentClient({ ...options, clock, random: () => 0.5 });
 * await client.pollState(); // a 429 and a retry later
 * expect(clock.sleeps).toEqual([1000]);
 * ```
 */
export function createFakeClock(options: FakeClockOptions = {}): FakeClock {
  let now = options.start ?? 1_700_000_000_000;
  const yieldToIo = options.yieldToIo ?? true;
  const clock: FakeClock = {
    sleeps: [],
    completed: [],
    onSleep: options.onSleep,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      clock.sleeps.push(ms);
      await clock.onSleep?.(ms, clock.sleeps.length - 1);
      if (yieldToIo) await new Promise((resolve) => setTimeout(resolve, 0));
      if (signal?.aborted) throw signal.reason;
      clock.completed.push(ms);
      now += ms;
    },
  };
  return clock;
}
