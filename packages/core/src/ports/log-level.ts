import { ConfigError } from '../errors.js';
import type { LogLevel } from './logger.js';

/** A logger's threshold: one of the levels, or `silent` for nothing at all. */
export type LogThreshold = LogLevel | 'silent';

/** The thresholds in order, the quietest last. */
export const LOG_THRESHOLDS: readonly LogThreshold[] = ['debug', 'info', 'warn', 'error', 'silent'];

/**
 * Reads a threshold such as the value of `MOLECULE_LOG` (case and surrounding spaces ignored).
 * `undefined` or an empty value gives `fallback`; anything else unknown is a ConfigError that
 * names `from` and lists the accepted words.
 */
export function parseLogThreshold(
  value: string | undefined,
  from = 'MOLECULE_LOG',
  fallback: LogThreshold = 'warn',
): LogThreshold {
  const word = value?.trim().toLowerCase();
  if (word === undefined || word === '') return fallback;
  if ((LOG_THRESHOLDS as readonly string[]).includes(word)) return word as LogThreshold;
  throw new ConfigError(`${from} must be one of ${LOG_THRESHOLDS.join(', ')}, got ${JSON.stringify(value)}`);
}
