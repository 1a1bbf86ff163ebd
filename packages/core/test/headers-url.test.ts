import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { buildHeaders, resolveOriginHeader } from '../src/http/headers.js';
import { certainlyNotSent } from '../src/http/network-error.js';
import { apiPath, encodeSegment, parsePeerUrl, parsePlatformUrl, platformUrlFor } from '../src/http/url.js';

const PLATFORM = 'https://acme.moleculesai.app';
const credentials = { platformOrigin: PLATFORM, bearer: 'tok', orgId: 'org-1', originHeader: PLATFORM };

describe('buildHeaders: credentials only to the platform origin', () => {
  it('attaches bearer, org and Origin to the platform origin, with or without an explicit default port', () => {
    for (const url of [
      `${PLATFORM}/workspaces/x/state`,
      'https://acme.moleculesai.app:443/a',
      'https://ACME.moleculesai.app/b',
    ]) {
      expect(buildHeaders(new URL(url).origin, credentials)).toEqual({
        Authorization: 'Bearer tok',
        'X-Molecule-Org-Id': 'org-1',
        Origin: PLATFORM,
      });
    }
  });
  it('attaches nothing to the same host on another port or scheme, a subdomain, or a lookalike host', () => {
    for (const url of [
      'https://acme.moleculesai.app:8443/a2a',
      'http://acme.moleculesai.app/a2a',
      'https://evil.acme.moleculesai.app/',
      'https://acme.moleculesai.app.evil.example/',
      'https://acme.moleculesai.app@evil.example/',
    ]) {
      expect(buildHeaders(new URL(url).origin, credentials, { 'X-Workspace-ID': 'me' })).toEqual({
        'X-Workspace-ID': 'me',
      });
    }
  });
  it('sends no Authorization when there is no token', () => {
    expect(buildHeaders(new URL(PLATFORM).origin, { platformOrigin: PLATFORM })).toEqual({});
  });
});

describe('resolveOriginHeader', () => {
  it('default: the platform origin only with an org id; "" = platform origin; null = none; string verbatim', () => {
    expect(resolveOriginHeader(undefined, PLATFORM, undefined)).toBeUndefined();
    expect(resolveOriginHeader(undefined, PLATFORM, 'org')).toBe(PLATFORM);
    expect(resolveOriginHeader('', PLATFORM, undefined)).toBe(PLATFORM);
    expect(resolveOriginHeader(null, PLATFORM, 'org')).toBeUndefined();
    expect(resolveOriginHeader('https://canvas.example', PLATFORM, undefined)).toBe('https://canvas.example');
  });
});

describe('platform URL and paths', () => {
  it('parsePlatformUrl refuses other schemes, credentials, queries and fragments', () => {
    for (const bad of [
      'ftp://x.example',
      'https://user:pw@x.example',
      'https://x.example/?a=1',
      'https://x.example/#f',
      'not a url',
      '',
    ]) {
      expect(() => parsePlatformUrl(bad)).toThrow(ConfigError);
    }
    expect(() => parsePlatformUrl('https://user:secret@x.example')).toThrow(/credentials/);
    try {
      parsePlatformUrl('https://user:secret@x.example');
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('secret');
    }
  });
  it('encodes every interpolated value as one segment and refuses "." and ".."', () => {
    expect(apiPath`/workspaces/${'a/../b'}/state`).toBe('/workspaces/a%2F..%2Fb/state');
    expect(apiPath`/w/${'%2e%2e'}/x`).toBe('/w/%252e%252e/x');
    for (const bad of ['.', '..', '']) expect(() => encodeSegment(bad)).toThrow(ConfigError);
  });
  it('an encoded ".." cannot climb out of the prefix', () => {
    const url = platformUrlFor('https://x.example/base', apiPath`/workspaces/${'..%2F..'}/state`);
    expect(new URL(url).pathname).toBe('/base/workspaces/..%252F../state');
  });
  it('platformUrlFor drops undefined, null and empty query values', () => {
    const url = platformUrlFor('https://x.example', '/a', {
      a: '',
      b: undefined,
      c: null,
      d: 0,
      e: 'x y',
    });
    expect(url).toBe('https://x.example/a?d=0&e=x+y');
  });
  it('parsePeerUrl accepts only http(s) URLs without credentials', () => {
    expect(parsePeerUrl('https://peer.example/a2a')?.href).toBe('https://peer.example/a2a');
    for (const bad of [
      'remote://no-inbound',
      'http://u:p@x.example',
      'http://u@x.example',
      'javascript:alert(1)',
      'file:///etc/passwd',
      '/relative',
      42,
      null,
    ]) {
      expect(parsePeerUrl(bad)).toBeNull();
    }
  });
});

describe('certainlyNotSent', () => {
  const wrap = (code: string) =>
    Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
  it('is true for refused, DNS, unreachable and connect-timeout failures anywhere in the cause chain', () => {
    for (const code of [
      'ECONNREFUSED',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EHOSTUNREACH',
      'UND_ERR_CONNECT_TIMEOUT',
      'ConnectionRefused',
    ]) {
      expect(certainlyNotSent(wrap(code))).toBe(true);
    }
    const aggregate = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new AggregateError([wrap('ECONNREFUSED').cause, wrap('ECONNREFUSED').cause]), {}),
    });
    expect(certainlyNotSent(aggregate)).toBe(true);
  });
  it('is false for resets, socket closes, aborts, unknown errors and junk', () => {
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'ABORT_ERR'])
      expect(certainlyNotSent(wrap(code))).toBe(false);
    for (const junk of [undefined, null, 'ECONNREFUSED', 42, {}, new Error('ECONNREFUSED')])
      expect(certainlyNotSent(junk)).toBe(false);
    const mixed = Object.assign(new TypeError('x'), {
      cause: new AggregateError([wrap('ECONNREFUSED').cause, wrap('ECONNRESET').cause]),
    });
    expect(certainlyNotSent(mixed)).toBe(false);
  });
  it("is true for Deno's connect failures, which carry no code: refused, DNS and TLS handshake", () => {
    const deno = (message: string) =>
      Object.assign(new TypeError('fetch failed'), { cause: new Error(message) });
    for (const message of [
      'error sending request for url (http://127.0.0.1:9/): client error (Connect): tcp connect error: Connection refused (os error 111)',
      'error sending request for url (http://no-such-host.invalid/): client error (Connect): dns error: failed to lookup address information: Name or service not known',
      'error sending request for url (https://self-signed.example/): client error (Connect): invalid peer certificate: UnknownIssuer',
    ])
      expect(certainlyNotSent(deno(message))).toBe(true);
    // Failures after the connection was made may have delivered the request.
    for (const message of [
      'error sending request for url (http://127.0.0.1:9/): client error (SendRequest): connection closed before message completed',
      'error reading a body from connection: connection reset',
    ])
      expect(certainlyNotSent(deno(message))).toBe(false);
  });
  it('survives a cyclic cause chain', () => {
    const a: { cause?: unknown; code: string } = { code: 'X' };
    a.cause = a;
    expect(certainlyNotSent(a)).toBe(false);
  });
});
