import { describe, expect, it } from 'vitest';
import { BindError, decodeFirstValue, parseJsonStrict, shouldBindJson } from '../../src/go-bind.js';
import { goJson, jsonbText } from '../../src/go-json.js';
import { canonicalUuid, goUuidParses } from '../../src/ids.js';
import { formatPaxRecord, splitUstarPath } from '../../src/index.js';
import { defaultResolveHost } from '../../src/options.js';
import { redactHeaderValue } from '../../src/recorder.js';
import { bearerFromHeader } from '../../src/tokens.js';
import { checkSafeUrl, parseIp, validateAgentUrl } from '../../src/url-safety.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('Go JSON encoding', () => {
  it('sorts map keys bytewise, escapes <>& U+2028/9, no trailing newline', () => {
    expect(goJson({ b: 1, a: '<&>', Z: [1, { y: 2, x: null }], u: '\u2028' })).toBe(
      '{"Z":[1,{"x":null,"y":2}],"a":"\\u003c\\u0026\\u003e","b":1,"u":"\\u2028"}',
    );
  });
  it('jsonb orders keys by length, then bytes', () => {
    expect(jsonbText({ bbb: 1, a: 2, cc: { zz: 1, y: 2 } })).toBe('{"a":2,"cc":{"y":2,"zz":1},"bbb":1}');
  });
});

describe('Go request binding', () => {
  const spec = { n: { kind: 'int' as const }, s: { kind: 'string' as const, required: true } };
  it('int fields refuse 1.5, 1.0 and 1e2; accept -0 and null', () => {
    for (const raw of ['1.5', '1.0', '1e2', '"1"', 'true', '9223372036854775808']) {
      expect(() => shouldBindJson(enc(`{"s":"x","n":${raw}}`), spec)).toThrow(BindError);
    }
    expect(shouldBindJson(enc('{"s":"x","n":-0}'), spec)).toEqual({ s: 'x', n: 0 });
    expect(shouldBindJson(enc('{"s":"x","n":null}'), spec)).toEqual({ s: 'x' });
  });
  it('required rejects "" and missing; keys match case-insensitively; trailing bytes are ignored', () => {
    expect(() => shouldBindJson(enc('{"s":""}'), spec)).toThrow(BindError);
    expect(() => shouldBindJson(enc('{}'), spec)).toThrow(BindError);
    expect(shouldBindJson(enc('{"S":"v"} garbage'), spec)).toEqual({ s: 'v' });
    expect(() => shouldBindJson(enc(''), spec)).toThrow(BindError);
  });
  it('strict JSON: no trailing commas, no control characters, full escapes', () => {
    for (const bad of ['{"a":1,}', '{"a":"\u0001"}', '{"a":"\\x"}', "{'a':1}", '[1 2]']) {
      expect(() => parseJsonStrict(bad)).toThrow(BindError);
    }
    expect(() => parseJsonStrict('{} {}')).toThrow(BindError);
    expect(decodeFirstValue('{} {}')).toEqual({});
  });
});

describe('ids and tokens', () => {
  it('canonicalUuid accepts what a Postgres uuid cast accepts', () => {
    const id = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
    expect(canonicalUuid(id.toUpperCase())).toBe(id);
    expect(canonicalUuid(`{${id}}`)).toBe(id);
    expect(canonicalUuid(id.replace(/-/g, ''))).toBe(id);
    expect(canonicalUuid('nope')).toBeNull();
    expect(goUuidParses(`urn:uuid:${id}`)).toBe(true);
    expect(goUuidParses('123')).toBe(false);
  });
  it('bearer prefix is exact and case-sensitive', () => {
    expect(bearerFromHeader('Bearer  abc ')).toBe('abc');
    expect(bearerFromHeader('bearer abc')).toBe('');
    expect(bearerFromHeader('Bearer')).toBe('');
    expect(redactHeaderValue('Bearer abc')).toBe('Bearer [redacted]');
    expect(redactHeaderValue('abc')).toBe('[redacted]');
  });
});

describe('URL safety', () => {
  const policy = (o: Partial<{ saasMode: boolean; devMode: boolean }> = {}) => ({
    saasMode: false,
    devMode: false,
    resolveHost: defaultResolveHost,
    ...o,
  });
  it('parses IPv4, IPv6 and folds IPv4-mapped addresses', () => {
    expect([...parseIp('10.1.2.3')!]).toEqual([10, 1, 2, 3]);
    expect([...parseIp('::ffff:127.0.0.1')!]).toEqual([127, 0, 0, 1]);
    expect(parseIp('[::1]')!.length).toBe(16);
    expect(parseIp('example.com')).toBeNull();
  });
  it('register rejects mapped loopback and TEST-NET; dispatch allows loopback only in dev mode', async () => {
    expect(await validateAgentUrl('http://[::ffff:127.0.0.1]/', policy())).not.toBeNull();
    expect(await validateAgentUrl('http://192.0.2.1/', policy({ saasMode: true }))).not.toBeNull();
    expect(await validateAgentUrl('https://agent.example.com', policy())).toBeNull();
    expect(await checkSafeUrl('http://localhost:1', policy())).not.toBeNull();
    expect(await checkSafeUrl('http://localhost:1', policy({ devMode: true }))).toBeNull();
    expect(
      await checkSafeUrl('http://169.254.169.254/', policy({ devMode: true, saasMode: true })),
    ).not.toBeNull();
    expect(await checkSafeUrl('http://10.0.0.1/', policy({ saasMode: true }))).toBeNull();
  });
});

describe('tar helpers (Go archive/tar rules)', () => {
  it('splitUstarPath', () => {
    expect(splitUstarPath('short')).toBeNull();
    const p = `${'a'.repeat(120)}/b.txt`;
    expect(splitUstarPath(p)).toEqual({ prefix: 'a'.repeat(120), suffix: 'b.txt' });
    expect(splitUstarPath(`${'a'.repeat(156)}/b`)).toBeNull();
    expect(splitUstarPath(`a/${'b'.repeat(101)}`)).toBeNull();
    expect(splitUstarPath(`${'é'.repeat(60)}/x`)).toBeNull();
  });
  it('formatPaxRecord counts its own length, across a digit boundary', () => {
    expect(formatPaxRecord('path', 'a')).toBe('9 path=a\n');
    const v = 'x'.repeat(92); // 4+1+92+1+1 = 99 → with "99" = 101 → needs 3 digits
    const rec = formatPaxRecord('path', v);
    expect(rec.startsWith('102 ')).toBe(true);
    expect(new TextEncoder().encode(rec).length).toBe(102);
    expect(formatPaxRecord('path', 'é')).toBe('11 path=é\n');
  });
});

describe('background work', () => {
  it('settle() waits for tasks started while waiting and reports an unexpected failure once', async () => {
    const { BackgroundTasks } = await import('../../src/background.js');
    const bg = new BackgroundTasks();
    const done: string[] = [];
    bg.run(async () => {
      await Promise.resolve();
      bg.run(async () => {
        done.push('nested');
      });
      done.push('outer');
    });
    bg.run(async () => {
      throw new Error('boom');
    });
    await expect(bg.settle()).rejects.toThrow('boom');
    expect(done).toEqual(['outer', 'nested']);
    await expect(bg.settle()).resolves.toBeUndefined();
  });
});
