import { describe, expect, it } from 'vitest';
import {
  type AttemptOutcome,
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  NO_RETRY_POLICY,
  type RetryPolicy,
  resolveRetryPolicy,
  retryDelay,
  WIDE_RETRY_POLICY,
} from '../src/http/retry-policy.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const half = (): number => 0.5;

function status(code: number, headers: Record<string, string> = {}): AttemptOutcome {
  return { kind: 'status', status: code, headers: new Headers(headers) };
}

function decide(
  outcome: AttemptOutcome,
  options: {
    attempt?: number;
    method?: string;
    idempotent?: boolean;
    policy?: RetryPolicy;
    random?: () => number;
  } = {},
): number | null {
  return retryDelay({
    policy: options.policy ?? DEFAULT_RETRY_POLICY,
    attempt: options.attempt ?? 1,
    method: options.method ?? 'GET',
    idempotent: options.idempotent ?? true,
    outcome,
    nowMs: NOW,
    random: options.random ?? half,
  });
}

describe('retry policy: Python parity (test_retry_backoff)', () => {
  it('429 with Retry-After integer seconds waits that long ("5" → 5 s)', () => {
    expect(decide(status(429, { 'retry-after': '5' }))).toBe(5000);
  });
  it('429 with fractional Retry-After rounds up ("2.7" → 3 s)', () => {
    expect(decide(status(429, { 'retry-after': '2.7' }))).toBe(3000);
  });
  it('429 with Retry-After is capped at 30 s ("120" → 30 s)', () => {
    expect(decide(status(429, { 'retry-after': '120' }))).toBe(30_000);
  });
  it('Retry-After: 0 retries immediately by default (Python parity)', () => {
    expect(decide(status(429, { 'retry-after': '0' }))).toBe(0);
  });
  it('429 without Retry-After backs off 1 s, 2 s, 4 s with r = 0.5', () => {
    expect([1, 2, 3].map((attempt) => decide(status(429), { attempt }))).toEqual([1000, 2000, 4000]);
  });
  it('jitter is ±0.25 s absolute, not proportional', () => {
    expect(decide(status(429), { attempt: 3, random: () => 0 })).toBe(3750);
    expect(decide(status(429), { attempt: 3, random: () => 0.999_999 })).toBe(4249);
    expect(decide(status(429), { attempt: 1, random: () => 0 })).toBe(750);
  });
  it('gives up after 3 retries (4 attempts in all)', () => {
    expect(decide(status(429), { attempt: 3 })).toBe(4000);
    expect(decide(status(429), { attempt: 4 })).toBeNull();
  });
  it('non-429 statuses are not retried (500, 404, 503)', () => {
    for (const code of [500, 404, 503, 502, 408]) expect(decide(status(code))).toBeNull();
  });
  it('POSTs are never retried by default, even on 429 and even when idempotent', () => {
    expect(decide(status(429), { method: 'POST', idempotent: false })).toBeNull();
    expect(decide(status(429), { method: 'POST', idempotent: true })).toBeNull();
  });
  it('network errors and timeouts are not retried by default', () => {
    expect(decide({ kind: 'network' })).toBeNull();
    expect(decide({ kind: 'timeout' })).toBeNull();
  });
});

describe('retry policy: hostile Retry-After values fall back to the computed backoff', () => {
  for (const value of [
    'nan',
    'NaN',
    'inf',
    'Infinity',
    '-Infinity',
    '-1',
    '-0.5',
    '',
    '   ',
    'soon',
    '1e',
    '0x10',
    '5s',
  ]) {
    it(`Retry-After ${JSON.stringify(value)} → 1 s backoff`, () => {
      expect(decide(status(429, { 'retry-after': value }))).toBe(1000);
    });
  }
  it('a huge finite value is capped, not ignored', () => {
    expect(decide(status(429, { 'retry-after': '99999999999999' }))).toBe(30_000);
    expect(decide(status(429, { 'retry-after': '1e300' }))).toBe(30_000);
  });
  it('an overflowing value (1e400 = Infinity) falls back', () => {
    expect(decide(status(429, { 'retry-after': '1e400' }))).toBe(1000);
  });
  it('an HTTP date in the future waits until then', () => {
    const at = new Date(NOW + 7_000).toUTCString();
    expect(decide(status(429, { 'retry-after': at }))).toBe(7000);
  });
  it('an HTTP date far in the future is capped', () => {
    expect(decide(status(429, { 'retry-after': 'Wed, 21 Oct 2099 07:28:00 GMT' }))).toBe(30_000);
  });
  it('an HTTP date in the past falls back to backoff', () => {
    expect(decide(status(429, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }))).toBe(1000);
  });
  it('Retry-After-Ms wins over Retry-After when sane', () => {
    expect(decide(status(429, { 'retry-after-ms': '1500.2', 'retry-after': '9' }))).toBe(1501);
    expect(decide(status(429, { 'retry-after-ms': 'nan', 'retry-after': '9' }))).toBe(9000);
  });
  it('a broken Random (NaN, 7, -1) cannot push the delay out of range', () => {
    for (const r of [Number.NaN, 7, -1]) expect(decide(status(429), { random: () => r })).toBe(1000);
  });
});

describe('retry policy: wide preset', () => {
  const wide = { policy: WIDE_RETRY_POLICY };
  it('retries 408, 429 and gateway 5xx for GETs', () => {
    for (const code of [408, 429, 500, 502, 503, 504]) expect(decide(status(code), wide)).toBe(1000);
  });
  it('does not retry other 4xx or 501', () => {
    for (const code of [400, 401, 403, 404, 409, 410, 501]) expect(decide(status(code), wide)).toBeNull();
  });
  it('retries network errors and timeouts', () => {
    expect(decide({ kind: 'network' }, wide)).toBe(1000);
    expect(decide({ kind: 'timeout' }, { ...wide, attempt: 2 })).toBe(2000);
  });
  it('retries POSTs only when declared idempotent', () => {
    expect(decide(status(503), { ...wide, method: 'POST', idempotent: true })).toBe(1000);
    expect(decide(status(503), { ...wide, method: 'POST', idempotent: false })).toBeNull();
    expect(decide({ kind: 'network' }, { ...wide, method: 'POST', idempotent: false })).toBeNull();
  });
  it('has a 250 ms floor so Retry-After: 0 does not become a burst', () => {
    expect(decide(status(429, { 'retry-after': '0' }), wide)).toBe(250);
  });
  it('honours Retry-After on 503', () => {
    expect(decide(status(503, { 'retry-after': '15' }), wide)).toBe(15_000);
  });
});

describe('retry policy: presets and backoff', () => {
  it('resolveRetryPolicy maps names and merges partial policies onto the default', () => {
    expect(resolveRetryPolicy(undefined)).toBe(DEFAULT_RETRY_POLICY);
    expect(resolveRetryPolicy('wide')).toBe(WIDE_RETRY_POLICY);
    expect(resolveRetryPolicy('none')).toBe(NO_RETRY_POLICY);
    const custom = resolveRetryPolicy({ maxRetries: 1, statuses: [503] });
    expect(custom).toMatchObject({ maxRetries: 1, statuses: [503], baseDelayMs: 1000, maxDelayMs: 30_000 });
  });
  it('"none" never retries', () => {
    expect(decide(status(429), { policy: NO_RETRY_POLICY })).toBeNull();
  });
  it('backoff keeps doubling until the cap', () => {
    expect([4, 5, 6, 7, 50].map((a) => backoffDelay(DEFAULT_RETRY_POLICY, a, half))).toEqual([
      8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});
