import { describe, expect, it } from 'vitest';
import { apiErrorFromResponse } from '../src/http/api-error.js';
import { cappedRetryAfter, MAX_RETRY_AFTER_MS } from '../src/http/retry-after.js';
import { ConfigError, RateLimitError } from '../src/index.js';
import { resolveLoopPolicy } from '../src/loops/loop-policy.js';
import { checkDuration, MAX_CONFIGURED_DURATION_MS } from '../src/util/duration-limit.js';

const NOW = Date.UTC(2030, 0, 1);

describe('configured durations', () => {
  it('accepts up to one day and refuses anything longer, naming the setting', () => {
    expect(checkDuration('x', MAX_CONFIGURED_DURATION_MS)).toBe(MAX_CONFIGURED_DURATION_MS);
    expect(() => checkDuration('heartbeat', MAX_CONFIGURED_DURATION_MS + 1)).toThrow(/heartbeat.*one day/);
    expect(() => checkDuration('x', Number.POSITIVE_INFINITY)).toThrow(ConfigError);
    expect(() => checkDuration('x', 0)).toThrow(ConfigError);
    expect(checkDuration('x', 0, { allowZero: true })).toBe(0);
  });

  it('the loop policy refuses a 30-day interval', () => {
    expect(() => resolveLoopPolicy({ statePollIntervalMs: 30 * 86_400_000 })).toThrow(ConfigError);
    expect(() => resolveLoopPolicy({ backoffMaxMs: 2 ** 31 })).toThrow(ConfigError);
  });
});

describe('Retry-After exposed on errors', () => {
  it.each(['1e300', 'Fri, 31 Dec 9999 23:59:59 GMT', '86400'])('caps %s at one hour', (value) => {
    expect(cappedRetryAfter(new Headers({ 'retry-after': value }), NOW)).toBe(MAX_RETRY_AFTER_MS);
    const error = apiErrorFromResponse({
      status: 429,
      method: 'GET',
      path: '/x',
      headers: new Headers({ 'retry-after': value }),
      body: undefined,
      nowMs: NOW,
    }) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(MAX_RETRY_AFTER_MS);
    expect(error.retryAfter).toBe(value);
  });

  it('keeps a sane value and says nothing when there was no header', () => {
    expect(cappedRetryAfter(new Headers({ 'retry-after-ms': '1500' }), NOW)).toBe(1500);
    const error = apiErrorFromResponse({
      status: 429,
      method: 'GET',
      path: '/x',
      headers: new Headers(),
      body: undefined,
      nowMs: NOW,
    }) as RateLimitError;
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.retryAfter).toBeUndefined();
  });
});
