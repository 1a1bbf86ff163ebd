import type { LogThreshold } from './log-level.js';
import type { Logger, LogLevel } from './logger.js';

const RANK: Record<LogThreshold, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** Field names whose values are never printed, as a last line of defence. */
const SECRET_FIELD = /token|authorization|secret|password|cookie/i;

/** Options of {@link createLineLogger}. */
export interface LineLoggerOptions {
  /** Where each finished line (with its newline) goes, e.g. the process's stderr. */
  write: (line: string) => void;
  /** The quietest level still written. Default `warn`. */
  level?: LogThreshold | undefined;
  /** Put before every line. Default `[molecule]`. */
  prefix?: string | undefined;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  if (value instanceof Error) return JSON.stringify(value.message);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * A logger that writes one human-readable line per entry: `[molecule] warn: message key=value`.
 * Entries below `level` are dropped; errors are shown by their message; fields named like a
 * credential are masked.
 *
 * @example
 * const logger = createLineLogger({ level: 'info', write: (line) => process.stderr.write(line) });
 */
export function createLineLogger(options: LineLoggerOptions): Logger {
  const threshold = RANK[options.level ?? 'warn'];
  const prefix = options.prefix ?? '[molecule]';
  const at =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (RANK[level] < threshold) return;
      const parts = Object.entries(fields ?? {})
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${SECRET_FIELD.test(key) ? '[redacted]' : formatValue(value)}`);
      const tag = level === 'warn' || level === 'error' ? `${level}: ` : '';
      options.write(`${prefix} ${tag}${message}${parts.length ? ` ${parts.join(' ')}` : ''}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
