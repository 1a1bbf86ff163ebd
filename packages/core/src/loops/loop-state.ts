import type { LoopStopReason } from './stop-reason.js';

/** When an operation of the loop is next due, and how many times in a row it failed. */
export interface OperationSchedule {
  /** Epoch ms at which the operation should run next. */
  dueAt: number;
  /** Consecutive failures; drives the backoff, reset by a success. */
  failures: number;
}

/**
 * Everything a loop remembers between ticks. Plain JSON on purpose: a Worker stores it between
 * cron ticks, and tests compare it with `toEqual`.
 */
export interface LoopState {
  /** Ticks run so far. */
  iteration: number;
  /** Epoch ms when the loop started (uptime is measured from here). */
  startedAt: number;
  heartbeat: OperationSchedule;
  statePoll: OperationSchedule;
  delivery: OperationSchedule;
  /** Consecutive 401 answers from `/state`. */
  unauthorizedStreak: number;
  /** The last status `/state` reported, or `null` before the first answer. */
  lastStatus: string | null;
  /** Set once the loop decided to stop; every later event repeats the decision. */
  stopped: LoopStopReason | null;
}

/** A fresh loop at `now`: everything is due at once. */
export function initialLoopState(now: number): LoopState {
  return {
    iteration: 0,
    startedAt: now,
    heartbeat: { dueAt: now, failures: 0 },
    statePoll: { dueAt: now, failures: 0 },
    delivery: { dueAt: now, failures: 0 },
    unauthorizedStreak: 0,
    lastStatus: null,
    stopped: null,
  };
}
