import type { Logger, LogLevel } from '../ports/logger.js';

/** One call a {@link RecordingLogger} received. */
export interface LogLine {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A logger that keeps every line at every level, debug included, for tests to assert on. */
export interface RecordingLogger extends Logger {
  readonly lines: LogLine[];
  /** The messages logged, of one level or of all. */
  messages(level?: LogLevel): string[];
  /**
   * Every line with everything a careless log shipper could print of its fields (see
   * {@link exposeAll}), one line per call: what a "no secret in the logs" test searches.
   */
  text(): string;
}

/**
 * Creates a {@link RecordingLogger}.
 *
 * @example
 * const logger = createRecordingLogger();
 * const run = runAgentLoop(handler, { client, logger });
 * // ...
 * expect(logger.messages('warn')).toContain('state poll failed; the loop stops (revoked)');
 * expect(logger.text()).not.toContain(token);
 */
export function createRecordingLogger(): RecordingLogger {
  const lines: LogLine[] = [];
  const record =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  return {
    lines,
    messages: (level) =>
      lines.filter((line) => level === undefined || line.level === level).map((line) => line.message),
    text: () => lines.map((line) => `${line.level} ${line.message} ${exposeAll(line.fields)}`).join('\n'),
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}

/**
 * Everything a careless program could print of `value`: `String()`, `JSON.stringify` (so
 * `toJSON`), and for errors their name, message, stack, own fields and whole cause chain,
 * recursively; headers entry by entry. Secrets must appear in none of it.
 */
export function exposeAll(value: unknown, depth = 0, seen: Set<unknown> = new Set()): string {
  if (depth > 12 || seen.has(value)) return '';
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object' && typeof value !== 'function') return String(value);
  seen.add(value);
  const parts: string[] = [];
  try {
    parts.push(String(value));
  } catch {}
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {}
  if (value instanceof Error) {
    parts.push(value.name, value.message, value.stack ?? '');
    parts.push(exposeAll((value as { cause?: unknown }).cause, depth + 1, seen));
    if (value instanceof AggregateError) parts.push(exposeAll(value.errors, depth + 1, seen));
  }
  if (value instanceof Headers) {
    value.forEach((v, k) => {
      parts.push(`${k}: ${v}`);
    });
  }
  for (const key of Object.getOwnPropertyNames(value)) {
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    parts.push(key, exposeAll(item, depth + 1, seen));
  }
  return parts.join(' ');
}
