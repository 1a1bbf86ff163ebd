import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  ConfigError,
  ConnectionError,
  InvalidResponseError,
  TimeoutError,
} from '../src/errors.js';
import { createFetchTransport } from '../src/http/fetch-transport.js';
import { type HttpConfig, type HttpRequest, sendRequest } from '../src/http/request.js';
import { DEFAULT_RETRY_POLICY, WIDE_RETRY_POLICY } from '../src/http/retry-policy.js';
import { createFakeClock, createRecordingLogger, type FakeClock } from '../src/testing/index.js';
import { halfRandom } from './helpers/platform.js';
import { closedPort, type ScriptedServer, startScriptedServer } from './helpers/scripted-server.js';

let server: ScriptedServer;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await server.close();
});

function config(overrides: Partial<HttpConfig> = {}): HttpConfig & { clock: FakeClock } {
  return {
    transport: createFetchTransport(),
    clock: createFakeClock({ yieldToIo: false }),
    random: halfRandom,
    logger: createRecordingLogger(),
    retry: DEFAULT_RETRY_POLICY,
    maxResponseBytes: 1024 * 1024,
    ...overrides,
  } as HttpConfig & { clock: FakeClock };
}

function target(url: string): Pick<HttpRequest, 'url' | 'origin' | 'path'> {
  const parsed = new URL(url);
  return { url: parsed.href, origin: parsed.origin, path: parsed.pathname };
}

function get(path = '/thing', extra: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'GET', ...target(new URL(path, server.url).href), headers: {}, timeoutMs: 2000, ...extra };
}

describe('sendRequest: retries on the wire', () => {
  it('a 200 is returned after one request, with its JSON body', async () => {
    server.script({ json: { ok: true } });
    const cfg = config();
    const res = await sendRequest(cfg, get());
    expect(res).toMatchObject({ status: 200, ok: true, body: { ok: true }, bodyKind: 'json', attempts: 1 });
    expect(server.requests).toHaveLength(1);
    expect(cfg.clock.sleeps).toEqual([]);
  });
  it('passes the given headers through unchanged', async () => {
    server.script({ json: {} });
    await sendRequest(
      config(),
      get('/h', { headers: { 'X-Workspace-ID': 'ws-1', Authorization: 'Bearer abc' } }),
    );
    expect(server.requests[0]?.headers['x-workspace-id']).toBe('ws-1');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer abc');
  });
  it('429 then 200: two requests, one sleep of Retry-After', async () => {
    server.script({ status: 429, headers: { 'retry-after': '2' }, json: {} }, { json: { n: 2 } });
    const cfg = config();
    const res = await sendRequest(cfg, get());
    expect(res.body).toEqual({ n: 2 });
    expect(server.requests).toHaveLength(2);
    expect(cfg.clock.sleeps).toEqual([2000]);
  });
  it('four 429s: four requests, sleeps 1/2/4 s, the last 429 is returned', async () => {
    server.fallback = () => ({ status: 429, json: { error: 'rate limit exceeded' } });
    const cfg = config();
    const res = await sendRequest(cfg, get());
    expect(res.status).toBe(429);
    expect(res.attempts).toBe(4);
    expect(server.requests).toHaveLength(4);
    expect(cfg.clock.sleeps).toEqual([1000, 2000, 4000]);
  });
  it('a 500 is returned at once by default', async () => {
    server.script({ status: 500, json: { error: 'x' } });
    const cfg = config();
    expect((await sendRequest(cfg, get())).status).toBe(500);
    expect(server.requests).toHaveLength(1);
    expect(cfg.clock.sleeps).toEqual([]);
  });
  it('a POST 429 is not retried by default', async () => {
    server.script({ status: 429, json: {} });
    const res = await sendRequest(config(), { ...get(), method: 'POST', json: { a: 1 }, idempotent: true });
    expect(res.status).toBe(429);
    expect(server.requests).toHaveLength(1);
  });
  it('wide: a 503 on an idempotent POST is retried with the same body bytes', async () => {
    server.script({ status: 503, json: {} }, { json: { ok: 1 } });
    const res = await sendRequest(config({ retry: WIDE_RETRY_POLICY }), {
      ...get(),
      method: 'POST',
      json: { a: 1 },
      idempotent: true,
    });
    expect(res.body).toEqual({ ok: 1 });
    expect(server.requests.map((r) => r.body)).toEqual(['{"a":1}', '{"a":1}']);
  });
  it('wide: a non-idempotent POST is never retried', async () => {
    server.script({ status: 503, json: {} });
    const res = await sendRequest(config({ retry: WIDE_RETRY_POLICY }), {
      ...get(),
      method: 'POST',
      json: {},
    });
    expect(res.status).toBe(503);
    expect(server.requests).toHaveLength(1);
  });
  it('retry:false on the request wins over the policy', async () => {
    server.script({ status: 429, json: {} });
    const res = await sendRequest(config(), get('/x', { retry: false }));
    expect(res.status).toBe(429);
    expect(server.requests).toHaveLength(1);
  });
  it('logs each retry at info with attempt and delay', async () => {
    server.script({ status: 429, headers: { 'retry-after': '1' }, json: {} }, { json: {} });
    const logger = createRecordingLogger();
    await sendRequest(config({ logger }), get());
    expect(logger.lines.find((l) => l.message === 'retrying request')?.fields).toMatchObject({
      attempt: 1,
      delayMs: 1000,
      reason: 429,
    });
  });
});

describe('sendRequest: timeouts, aborts and network errors', () => {
  it('headers slower than the timeout → TimeoutError, not retried by default', async () => {
    server.script({ delayMs: 400, json: {} });
    const cfg = config();
    const error = await sendRequest(cfg, get('/slow', { timeoutMs: 100 })).catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain('100 ms');
    expect(cfg.clock.sleeps).toEqual([]); // no backoff, so no second attempt
    expect(server.requests.length).toBeLessThanOrEqual(1);
  });
  it('a body that stalls after the headers also times out (the body is read inside the attempt)', async () => {
    server.script({ stallBody: true, json: { long: 'x'.repeat(100) } });
    const error = await sendRequest(config(), get('/stall', { timeoutMs: 150 })).catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });
  it('wide: a timed-out attempt is retried with a fresh timeout', async () => {
    server.script({ delayMs: 1500, json: {} }, { json: { second: true } });
    const cfg = config({ retry: WIDE_RETRY_POLICY });
    const res = await sendRequest(cfg, get('/t', { timeoutMs: 400 }));
    expect(res.body).toEqual({ second: true });
    expect(cfg.clock.sleeps).toEqual([1000]);
  });
  it('the caller aborting mid-request → AbortError, never retried', async () => {
    server.script({ delayMs: 300, json: {} });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const cfg = config({ retry: WIDE_RETRY_POLICY });
    const error = await sendRequest(cfg, get('/a', { signal: controller.signal })).catch((e) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(cfg.clock.sleeps).toEqual([]);
  });
  it('a zero, negative or NaN timeout is refused before any I/O; a huge one does not fire at once', async () => {
    for (const timeoutMs of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(await sendRequest(config(), get('/t', { timeoutMs })).catch((e) => e)).toBeInstanceOf(
        ConfigError,
      );
    }
    expect(server.requests).toHaveLength(0);
    server.script({ json: { ok: true } });
    expect((await sendRequest(config(), get('/t', { timeoutMs: 1e12 }))).body).toEqual({ ok: true });
  });
  it('an already aborted signal sends nothing', async () => {
    const error = await sendRequest(config(), get('/a', { signal: AbortSignal.abort() })).catch((e) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(server.requests).toHaveLength(0);
  });
  it('the caller aborting during the backoff sleep → AbortError, no further request', async () => {
    server.fallback = () => ({ status: 429, json: {} });
    const controller = new AbortController();
    const clock = createFakeClock({ yieldToIo: false });
    clock.onSleep = () => controller.abort();
    const error = await sendRequest(config({ clock }), get('/a', { signal: controller.signal })).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(server.requests).toHaveLength(1);
  });
  it('connection refused → ConnectionError with the cause kept', async () => {
    const port = await closedPort();
    const error = await sendRequest(config(), {
      ...get(),
      ...target(`http://127.0.0.1:${port}/x`),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(error.cause).toBeDefined();
    expect(error.path).toBe('/x');
  });
  it('wide: connection refused is retried, then reported', async () => {
    const port = await closedPort();
    const cfg = config({ retry: WIDE_RETRY_POLICY });
    const error = await sendRequest(cfg, { ...get(), ...target(`http://127.0.0.1:${port}/x`) }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(cfg.clock.sleeps).toEqual([1000, 2000, 4000]);
  });
  it('a socket closed without an answer → ConnectionError', async () => {
    server.script({ destroy: true });
    expect(await sendRequest(config(), get()).catch((e) => e)).toBeInstanceOf(ConnectionError);
  });
});

describe('sendRequest: bodies', () => {
  it('an empty-body 404 is not JSON-parsed', async () => {
    server.script({ status: 404, text: '' });
    const res = await sendRequest(config(), get());
    expect(res).toMatchObject({ status: 404, bodyKind: 'empty', body: undefined });
  });
  it('an empty-body 403 with a JSON content type is still empty, not a parse error', async () => {
    server.script({ status: 403, text: '', headers: { 'content-type': 'application/json' } });
    expect((await sendRequest(config(), get())).bodyKind).toBe('empty');
  });
  it('a text body stays text', async () => {
    server.script({ status: 404, text: '404 page not found', headers: { 'content-type': 'text/plain' } });
    expect(await sendRequest(config(), get())).toMatchObject({
      bodyKind: 'text',
      body: '404 page not found',
    });
  });
  it('a body over the cap → InvalidResponseError', async () => {
    server.script({ json: { big: 'x'.repeat(5000) } });
    const error = await sendRequest(config({ maxResponseBytes: 1000 }), get()).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
  });
  it('stream mode hands over the unread body; the header timeout no longer applies to it', async () => {
    server.script({ bodyGapMs: 300, text: 'abcdefghij', headers: { 'content-type': 'application/gzip' } });
    const res = await sendRequest(config(), get('/dl', { stream: true, timeoutMs: 100 }));
    expect(res.stream).not.toBeNull();
    expect(await new Response(res.stream).text()).toBe('abcdefghij');
  });
  it('stream mode still reads a (small) error body', async () => {
    server.script({ status: 404, json: { error: 'failed to fetch plugin from local' } });
    const res = await sendRequest(config(), get('/dl', { stream: true }));
    expect(res).toMatchObject({
      status: 404,
      stream: null,
      body: { error: 'failed to fetch plugin from local' },
    });
  });
  it('returns a 3xx without following it', async () => {
    server.script({ status: 307, headers: { location: `${server.url}/elsewhere` }, text: '' });
    const res = await sendRequest(config(), { ...get('/r'), method: 'POST', json: {} });
    expect(res.status).toBe(307);
    expect(server.requests.map((r) => r.path)).toEqual(['/r']);
  });
});
