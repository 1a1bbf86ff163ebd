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
  // NaN and infinities fail the range test too.
  if (typeof value !== 'number' || !low || !(value <= MAX_CONFIGURED_DURATION_MS)) {
    throw new ConfigError(
      `${name} must be a ${options?.allowZero ? 'non-negative' : 'positive'} number of ms up to ` +
        `${MAX_CONFIGURED_DURATION_MS} (one day; check the unit), got ${String(value)}`,
    );
  }
  return value;
}
