import type { LoopPolicy } from './loop-policy.js';
import type { LoopState, OperationSchedule } from './loop-state.js';

/** What {@link loopStateNeedsSaving} needs to know about the host's ticks. */
export interface LoopSaveContext {
  policy: LoopPolicy;
  /**
   * The earliest time (epoch ms) the next tick can run, e.g. now plus a cron's minimum spacing. An
   * operation due by then runs at the next tick whichever of the two due times is kept.
   */
  nextTickAt: number;
}

function sameSchedule(saved: OperationSchedule, next: OperationSchedule, dueBy: number): boolean {
  if (saved.failures !== next.failures) return false;
  // Both due by the next tick: keeping the older time changes nothing (the operation runs then).
  return saved.dueAt === next.dueAt || (saved.dueAt <= dueBy && next.dueAt <= dueBy);
}

/**
 * Whether a host that keeps the loop state between ticks (a Worker's KV) must write `next`, or
 * whether the state it already holds (`saved`) leads every later tick to the same decisions. An
 * idle tick of a healthy loop changes only its counter and due times that the next tick reaches
 * anyway, so it writes nothing; a failure count, a backoff, a 401 streak, a new status or a stop
 * is always written. Never skips a due operation: a kept due time is never later than the new one's
 * effect (both run at the next tick).
 */
export function loopStateNeedsSaving(
  saved: LoopState | null,
  next: LoopState,
  context: LoopSaveContext,
): boolean {
  if (saved === null) return true;
  const { policy } = context;
  const dueBy = context.nextTickAt + policy.dueToleranceMs;
  if (
    saved.startedAt !== next.startedAt ||
    saved.stopped !== next.stopped ||
    saved.unauthorizedStreak !== next.unauthorizedStreak ||
    saved.lastStatus !== next.lastStatus ||
    // The counter only decides something with an iteration limit.
    (policy.maxIterations !== null && saved.iteration !== next.iteration)
  ) {
    return true;
  }
  return (
    !sameSchedule(saved.heartbeat, next.heartbeat, dueBy) ||
    !sameSchedule(saved.statePoll, next.statePoll, dueBy) ||
    !sameSchedule(saved.delivery, next.delivery, dueBy)
  );
}
