import { ConfigError } from '../errors.js';

/**
 * The longest interval or timeout the SDK accepts in its configuration: one day. Anything longer
 * is a mistake (a unit mix-up, an unset variable turned into a huge number) that would otherwise
 * leave an agent silent for weeks, or, past 2^31-1 ms, overflow a host timer and fire at once.
 */
export const MAX_CONFIGURED_DURATION_MS = 86_400_000;

/**
 * Checks one configured duration: a finite number of milliseconds, above zero (or at least zero
 * with `allowZero`), at most {@link MAX_CONFIGURED_DURATION_MS}. Throws a ConfigError naming
 * `name`; returns the value.
 */
export function checkDuration(name: string, value: number, options?: { allowZero?: boolean }): number {
  const low = options?.allowZero ? value >= 0 : value > 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || !low) {
    throw new ConfigError(
      `${name} must be a ${options?.allowZero ? 'non-negative' : 'positive'} number of ms, got ${String(value)}`,
    );
  }
  if (value > MAX_CONFIGURED_DURATION_MS) {
    throw new ConfigError(
      `${name} of ${value} ms is longer than the maximum of ${MAX_CONFIGURED_DURATION_MS} ms (one day); ` +
        'check the unit (milliseconds)',
    );
  }
  return value;
}
