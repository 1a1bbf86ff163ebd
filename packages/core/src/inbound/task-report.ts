import type { InboundMessage } from './inbound-message.js';

/** What the heartbeat reports about work in progress. The platform wants integers (a float is a 400). */
export interface TaskReport {
  activeTasks: number;
  currentTask: string;
  /** Share of recent tasks that failed (0..1); only when the supplier gave one. */
  errorRate?: number | undefined;
  /** One recent error message; only when the supplier gave one. */
  sampleError?: string | undefined;
}

/** How long `currentTask` may be when derived from a message. */
export const CURRENT_TASK_MAX_CHARS = 120;

/**
 * The keys a supplied report may use: camelCase, or the Python SDK's snake_case task report
 * (`current_task`, `active_tasks`, `error_rate`, `sample_error`). camelCase wins when both are set.
 */
const KEYS = {
  activeTasks: 'active_tasks',
  currentTask: 'current_task',
  errorRate: 'error_rate',
  sampleError: 'sample_error',
} as const;
const KNOWN_KEYS: ReadonlySet<string> = new Set([...Object.keys(KEYS), ...Object.values(KEYS)]);

/** Options of {@link normaliseTaskReport}. */
export interface NormaliseTaskReportOptions {
  /** Called with each key the report has that is neither camelCase nor snake_case known. */
  onUnknownKey?: ((key: string) => void) | undefined;
}

function pick(value: Record<string, unknown>, key: keyof typeof KEYS): unknown {
  return value[key] ?? value[KEYS[key]];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

/**
 * Cleans a user-supplied report, camelCase or snake_case: `activeTasks` becomes a non-negative
 * integer (anything else 0), `currentTask` a string (`null`/`undefined` become `""`, not Python's
 * `"None"`), `errorRate` a finite number between 0 and 1 and `sampleError` a string when given.
 */
export function normaliseTaskReport(report: unknown, options: NormaliseTaskReportOptions = {}): TaskReport {
  const value = (typeof report === 'object' && report !== null ? report : {}) as Record<string, unknown>;
  if (options.onUnknownKey) {
    for (const key of Object.keys(value)) if (!KNOWN_KEYS.has(key)) options.onUnknownKey(key);
  }
  const activeRaw = pick(value, 'activeTasks');
  const active = typeof activeRaw === 'number' ? activeRaw : Number(activeRaw ?? 0);
  const out: TaskReport = {
    activeTasks: Number.isFinite(active) ? Math.max(0, Math.trunc(active)) : 0,
    currentTask: text(pick(value, 'currentTask')),
  };
  const errorRate = pick(value, 'errorRate');
  if (errorRate !== undefined && errorRate !== null) {
    const rate = Number(errorRate);
    out.errorRate = Number.isFinite(rate) ? Math.min(1, Math.max(0, rate)) : 0;
  }
  const sampleError = pick(value, 'sampleError');
  if (sampleError !== undefined && sampleError !== null) out.sampleError = text(sampleError);
  return out;
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
