import type { Logger } from '../ports/logger.js';
import { classifyLoopFailure } from './loop-failure.js';
import type { LoopAction } from './next-loop-action.js';

/** The errors of the operations of one tick that failed, by operation. */
export interface TickErrors {
  heartbeat?: unknown;
  delivery?: unknown;
  state?: unknown;
}

const WHAT: Record<keyof TickErrors, string> = {
  heartbeat: 'heartbeat failed',
  delivery: 'inbound delivery failed',
  state: 'state poll failed',
};

function inWords(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1_000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/**
 * Logs each failed operation of a tick once the loop has decided what comes next, so the warning
 * can say when the next try is (`heartbeat failed; next try in 12 s`) instead of leaving the
 * reader to guess whether the agent gave up. Operations aborted by a stop are not warned about.
 */
export function warnTickFailures(errors: TickErrors, next: LoopAction, now: number, logger: Logger): void {
  for (const operation of Object.keys(errors) as (keyof TickErrors)[]) {
    const error = errors[operation];
    // An operation cut short because the agent is stopping is not trouble worth a warning.
    if (classifyLoopFailure(error).kind === 'aborted') continue;
    if (next.action === 'stop') {
      logger.warn(`${WHAT[operation]}; the loop stops (${next.reason})`, { error });
      continue;
    }
    const schedule =
      operation === 'heartbeat'
        ? next.state.heartbeat
        : operation === 'delivery'
          ? next.state.delivery
          : next.state.statePoll;
    const delayMs = schedule.dueAt - now;
    logger.warn(`${WHAT[operation]}; next try in ${inWords(delayMs)}`, {
      error,
      failures: schedule.failures,
      retryInMs: Math.max(0, Math.round(delayMs)),
    });
  }
}
