import type { InboundMessage } from './inbound-message.js';

/** What the heartbeat reports about work in progress. The platform wants integers (a float is a 400). */
export interface TaskReport {
  activeTasks: number;
  currentTask: string;
}

/** How long `currentTask` may be when derived from a message. */
export const CURRENT_TASK_MAX_CHARS = 120;

/**
 * Cleans a user-supplied report: `activeTasks` becomes a non-negative integer (anything else 0),
 * `currentTask` a string (`null`/`undefined` become `""`, not Python's `"None"`).
 */
export function normaliseTaskReport(report: unknown): TaskReport {
  const value = (typeof report === 'object' && report !== null ? report : {}) as Record<string, unknown>;
  const active = typeof value.activeTasks === 'number' ? value.activeTasks : Number(value.activeTasks ?? 0);
  const current = value.currentTask;
  return {
    activeTasks: Number.isFinite(active) ? Math.max(0, Math.trunc(active)) : 0,
    currentTask:
      typeof current === 'string'
        ? current
        : current === null || current === undefined
          ? ''
          : String(current),
  };
}

/**
 * The report derived from the handlers in flight: how many, and the first line of the oldest
 * message (cut to {@link CURRENT_TASK_MAX_CHARS}), or `""` when idle.
 */
export function taskReportFromInFlight(inFlight: readonly InboundMessage[]): TaskReport {
  const oldest = inFlight[0];
  const firstLine = oldest ? (oldest.text.split('\n', 1)[0] ?? '').trim() : '';
  const currentTask =
    firstLine.length > CURRENT_TASK_MAX_CHARS
      ? `${firstLine.slice(0, CURRENT_TASK_MAX_CHARS - 1)}…`
      : firstLine;
  return { activeTasks: inFlight.length, currentTask };
}
