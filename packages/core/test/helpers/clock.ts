import type { Clock } from '../../src/ports/clock.js';

/** A clock whose sleeps return at once, are recorded, and move `now` forward. */
export interface RecordingClock extends Clock {
  sleeps: number[];
  advance(ms: number): void;
  /** Runs before each sleep resolves (e.g. to abort the caller's signal mid-backoff). */
  onSleep?: (ms: number) => void;
}

export function recordingClock(start = 1_700_000_000_000): RecordingClock {
  let now = start;
  const clock: RecordingClock = {
    sleeps: [],
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms, signal) => {
      clock.sleeps.push(ms);
      clock.onSleep?.(ms);
      if (signal?.aborted) throw signal.reason;
      now += ms;
    },
  };
  return clock;
}

/** The Python tests' `random.random = lambda: 0.5`: no jitter. */
export const halfRandom = (): number => 0.5;
