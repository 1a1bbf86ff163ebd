import { describe, expect, it } from 'vitest';
import { parseRetryAfter, parseRetryAfterValue } from '../src/http/retry-after.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('parseRetryAfterValue', () => {
  it('reads delta-seconds and rounds up to whole seconds', () => {
    expect(parseRetryAfterValue('5', NOW)).toBe(5000);
    expect(parseRetryAfterValue('2.7', NOW)).toBe(3000);
    expect(parseRetryAfterValue('0.001', NOW)).toBe(1000);
    expect(parseRetryAfterValue('0', NOW)).toBe(0);
    expect(parseRetryAfterValue(' 3 ', NOW)).toBe(3000);
    expect(parseRetryAfterValue('+2', NOW)).toBe(2000);
  });
  it('reads an IMF-fixdate relative to now', () => {
    expect(parseRetryAfterValue(new Date(NOW + 2500).toUTCString(), NOW)).toBe(2000);
    expect(parseRetryAfterValue(new Date(NOW + 60_000).toUTCString(), NOW)).toBe(60_000);
  });
  it('returns undefined for absent, empty, garbage, negative, non-finite and past values', () => {
    for (const value of [
      null,
      undefined,
      '',
      ' ',
      'nan',
      'inf',
      '-inf',
      'Infinity',
      '-3',
      'abc',
      '12abc',
      '1,5',
      'Mon',
    ]) {
      expect(parseRetryAfterValue(value, NOW)).toBeUndefined();
    }
    expect(parseRetryAfterValue(new Date(NOW - 1000).toUTCString(), NOW)).toBeUndefined();
  });
  it('does not mistake a bare number for a year', () => {
    expect(parseRetryAfterValue('2030', NOW)).toBe(2_030_000);
  });
  it('survives a very long hostile value', () => {
    expect(parseRetryAfterValue('9'.repeat(10_000), NOW)).toBeUndefined();
    expect(parseRetryAfterValue('x'.repeat(10_000), NOW)).toBeUndefined();
  });
});

describe('parseRetryAfter (headers)', () => {
  it('prefers Retry-After-Ms, falls back to Retry-After, else undefined', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '20' }), NOW)).toBe(20);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '-1', 'retry-after': '1' }), NOW)).toBe(1000);
    expect(parseRetryAfter(new Headers(), NOW)).toBeUndefined();
  });
});
