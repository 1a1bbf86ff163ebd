import { describe, expect, it } from 'vitest';
import { makeIdempotencyKey, sha256Hex } from '../src/util/idempotency-key.js';

describe('makeIdempotencyKey (the Python SDK algorithm, so both send the same key)', () => {
  it('matches the Python test vector', async () => {
    expect(await makeIdempotencyKey('index the docs', 1_700_000_019_900)).toBe(
      '110baf90e8f464306fcfa735280c62aa8b6481797d306cc62dcb565e21d529cf',
    );
  });
  it('hashes "<task>:<seconds floored to 60>"', async () => {
    expect(await makeIdempotencyKey('index the docs', 1_700_000_019_900)).toBe(
      await sha256Hex('index the docs:1699999980'),
    );
  });
  it('returns 64 lowercase hex characters', async () => {
    expect(await makeIdempotencyKey('anything', Date.now())).toMatch(/^[0-9a-f]{64}$/);
  });
  it('same text in the same minute gives the same key; the next minute gives another', async () => {
    const a = await makeIdempotencyKey('t', 1_699_999_980_000);
    const b = await makeIdempotencyKey('t', 1_700_000_039_999);
    const c = await makeIdempotencyKey('t', 1_700_000_040_000);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
  it('different text gives a different key; repeated calls are deterministic', async () => {
    const now = 1_700_000_000_000;
    expect(await makeIdempotencyKey('a', now)).not.toBe(await makeIdempotencyKey('b', now));
    expect(await makeIdempotencyKey('a', now)).toBe(await makeIdempotencyKey('a', now));
  });
  it('hashes non-ASCII text as UTF-8', async () => {
    expect(await sha256Hex('hello world')).toBe(
      'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
    );
    expect(await makeIdempotencyKey('日本語', 60_000)).toBe(await sha256Hex('日本語:60'));
  });
});
