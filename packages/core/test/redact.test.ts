import { describe, expect, it } from 'vitest';
import { isSensitiveKey, REDACTED, redact, redactText } from '../src/util/redact.js';

const TOKEN = 'tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0AbCdEfGh'; // 43 chars, like the platform's

describe('redact', () => {
  it('masks credential headers in a plain object, whatever their case', () => {
    const out = redact({
      Authorization: `Bearer ${TOKEN}`,
      COOKIE: 'sid=1',
      'Set-Cookie': 'a=b',
      'x-api-key': 'k',
      'Proxy-Authorization': 'Basic abc',
      'content-type': 'application/json',
    });
    expect(out).toEqual({
      Authorization: REDACTED,
      COOKIE: REDACTED,
      'Set-Cookie': REDACTED,
      'x-api-key': REDACTED,
      'Proxy-Authorization': REDACTED,
      'content-type': 'application/json',
    });
  });
  it('masks any key mentioning token, secret or password at any depth and in arrays', () => {
    const out = redact({
      a: { auth_token: TOKEN, list: [{ clientSecret: 's', PASSWORD: 'p', name: 'ok' }] },
    });
    expect(out).toEqual({
      a: { auth_token: REDACTED, list: [{ clientSecret: REDACTED, PASSWORD: REDACTED, name: 'ok' }] },
    });
  });
  it('turns Headers into a plain object with credentials masked', () => {
    const headers = new Headers({ authorization: `Bearer ${TOKEN}`, 'x-workspace-id': 'ws-1' });
    expect(redact(headers)).toEqual({ authorization: REDACTED, 'x-workspace-id': 'ws-1' });
  });
  it('masks bearer credentials and URL userinfo inside free text', () => {
    const text = `failed: Authorization: Bearer ${TOKEN} to https://user:pa55@peer.example:8443/a2a`;
    const out = redactText(text);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain('pa55');
    expect(out).toContain(`Bearer ${REDACTED}`);
    expect(out).toContain(`https://${REDACTED}@peer.example:8443/a2a`);
    expect(redact({ message: `bearer ${TOKEN}` })).toEqual({ message: `bearer ${REDACTED}` });
  });
  it('survives cycles, deep nesting, throwing getters and odd values without throwing', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(redact(cyclic)).toEqual({ name: 'x', self: '[Circular]' });
    let deep: Record<string, unknown> = { token: TOKEN };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    expect(JSON.stringify(redact(deep))).not.toContain(TOKEN);
    const hostile = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(redact(hostile)).toEqual({ boom: '[Unreadable]' });
    for (const value of [null, undefined, 0, Number.NaN, true, 10n]) expect(redact(value)).toEqual(value);
  });
  it('keeps the same array with repeated (non-cyclic) references intact', () => {
    const shared = { id: 1 };
    expect(redact([shared, shared])).toEqual([{ id: 1 }, { id: 1 }]);
  });
  it('reduces errors to name and redacted message', () => {
    expect(redact(new Error(`Bearer ${TOKEN}`))).toEqual({ name: 'Error', message: `Bearer ${REDACTED}` });
  });
  it('does not mutate its input', () => {
    const input = { authorization: 'Bearer x' };
    redact(input);
    expect(input.authorization).toBe('Bearer x');
  });
  it('isSensitiveKey covers the deny-list and the token/secret/password pattern only', () => {
    for (const key of [
      'authorization',
      'Cookie',
      'set-cookie',
      'X-API-KEY',
      'auth_token',
      'apiSecret',
      'db_password',
    ]) {
      expect(isSensitiveKey(key)).toBe(true);
    }
    for (const key of ['x-workspace-id', 'content-type', 'status', 'origin'])
      expect(isSensitiveKey(key)).toBe(false);
  });
});
