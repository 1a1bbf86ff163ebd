import { describe, expect, it } from 'vitest';
import type { FaultPlan } from '../../src/index.js';
import { BASE, call, IDS, makeSim, registerAgent } from '../helpers/sim.js';
import { gunzipBytes, readTar } from '../helpers/tar-read.js';

describe('fault injection', () => {
  it('a 5xx burst: count-limited status faults, then normal service; labels recorded', async () => {
    const sim = makeSim({
      faults: {
        rules: [{ name: 'burst', path: '/health', count: 2, fault: { type: 'status', status: 503 } }],
      },
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(sim, 'GET', '/health')).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(sim.requests.map((r) => r.faults)).toEqual([['burst'], ['burst'], []]);
    expect(
      (
        await call(
          makeSim({ faults: { rules: [{ fault: { type: 'status', status: 500 } }] } }),
          'GET',
          '/health',
        )
      ).json,
    ).toEqual({
      error: 'injected fault',
    });
  });

  it('a 429 burst like the limiter: Retry-After 0 and the server body', async () => {
    const sim = makeSim({
      faults: {
        rules: [
          { method: 'POST', path: '/registry/*', count: 1, fault: { type: 'rate-limit', retryAfter: 0 } },
        ],
      },
    });
    const r = await call(sim, 'POST', '/registry/heartbeat', { body: { workspace_id: IDS.a } });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('0');
    expect(r.json).toEqual({ error: 'rate limit exceeded', retry_after: 0 });
    expect((await call(sim, 'POST', '/registry/heartbeat', { body: { workspace_id: IDS.a } })).status).toBe(
      200,
    );
  });

  it('probability is deterministic for a seed; skip lets the first N through', async () => {
    const plan: FaultPlan = { rules: [{ probability: 0.5, fault: { type: 'status', status: 502 } }] };
    const run = async (seed: number) => {
      const sim = makeSim({ seed, faults: plan });
      const out: number[] = [];
      for (let i = 0; i < 32; i++) out.push((await call(sim, 'GET', '/health')).status);
      return out;
    };
    const first = await run(5);
    expect(await run(5)).toEqual(first);
    expect(first).toContain(502);
    expect(first).toContain(200);
    expect(await run(6)).not.toEqual(first);
    const skip = makeSim({
      faults: { rules: [{ skip: 2, count: 1, fault: { type: 'status', status: 500 } }] },
    });
    const s = [];
    for (let i = 0; i < 4; i++) s.push((await call(skip, 'GET', '/health')).status);
    expect(s).toEqual([200, 200, 500, 200]);
  });

  it('matches by method, :param segments and RegExp', async () => {
    const sim = makeSim({
      faults: {
        rules: [
          { method: ['GET'], path: '/workspaces/:id/state', fault: { type: 'status', status: 504 } },
          { path: /heartbeat$/, fault: { type: 'status', status: 503 } },
        ],
      },
    });
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/state`)).status).toBe(504);
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/activity`)).status).toBe(401);
    expect((await call(sim, 'POST', '/registry/heartbeat', { body: {} })).status).toBe(503);
  });

  it('latency delays then serves normally', async () => {
    const sim = makeSim({ faults: { rules: [{ fault: [{ type: 'latency', ms: 5 }] }] } });
    expect((await call(sim, 'GET', '/health')).status).toBe(200);
    expect(sim.requests[0]!.faults).toEqual(['latency']);
  });

  it('reset: sim.fetch rejects with ECONNRESET and the request is recorded with status 0', async () => {
    const sim = makeSim({ faults: { rules: [{ count: 1, fault: { type: 'reset' } }] } });
    await expect(sim.fetch(new Request(`${BASE}/health`))).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(sim.requests[0]).toMatchObject({ status: 0, faults: ['reset'] });
    expect((await call(sim, 'GET', '/health')).status).toBe(200);
  });

  it('stream-error: headers arrive, then the body errors after N bytes', async () => {
    const sim = makeSim({ faults: { rules: [{ fault: { type: 'stream-error', afterBytes: 4 } }] } });
    const res = await sim.fetch(new Request(`${BASE}/health`));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('{"st');
    await expect(reader.read()).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('truncate, content-type and malformed-json rewrite the response', async () => {
    const t = await call(
      makeSim({ faults: { rules: [{ fault: { type: 'truncate', bytes: 5 } }] } }),
      'GET',
      '/health',
    );
    expect(t.text).toBe('{"sta');
    expect(t.headers.get('content-length')).toBe('5');
    const ct = await call(
      makeSim({ faults: { rules: [{ fault: { type: 'content-type', value: 'text/html' } }] } }),
      'GET',
      '/health',
    );
    expect(ct.headers.get('content-type')).toBe('text/html');
    expect(ct.json).toEqual({ status: 'ok' });
    const mj = await call(
      makeSim({ faults: { rules: [{ fault: { type: 'malformed-json' } }] } }),
      'GET',
      '/health',
    );
    expect(mj.status).toBe(200);
    expect(mj.json).toBeUndefined();
  });

  it('slow-body delivers the same bytes in small chunks', async () => {
    const sim = makeSim({ faults: { rules: [{ fault: { type: 'slow-body', delayMs: 1, chunkBytes: 4 } }] } });
    const res = await sim.fetch(new Request(`${BASE}/health`));
    const reader = res.body!.getReader();
    const chunks: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(new TextDecoder().decode(value));
    }
    expect(chunks.join('')).toBe('{"status":"ok"}');
    expect(chunks.length).toBe(4);
  });

  describe('tarball faults', () => {
    async function tarballSim(fault: FaultPlan['rules'][number]['fault']) {
      const sim = makeSim({ faults: { rules: [{ path: '/workspaces/:id/plugins/:name/download', fault }] } });
      await sim.admin.addPlugin('demo', { 'plugin.yaml': 'name: demo\n'.repeat(50) });
      const token = await registerAgent(sim, IDS.a);
      const res = await sim.fetch(
        new Request(`${BASE}/workspaces/${IDS.a}/plugins/demo/download`, {
          headers: { Authorization: `Bearer ${token}` },
        }),
      );
      return new Uint8Array(await res.arrayBuffer());
    }

    it('corrupt-body breaks the gzip stream', async () => {
      await expect(gunzipBytes(await tarballSim({ type: 'corrupt-body' }))).rejects.toThrow();
    });

    it('oversize-tarball serves a small valid gzip that inflates past the given size', async () => {
      const gz = await tarballSim({ type: 'oversize-tarball', bytes: 8 << 20 });
      expect(gz.length).toBeLessThan(64 * 1024);
      const tar = await gunzipBytes(gz);
      expect(tar.length).toBeGreaterThan(8 << 20);
      expect(readTar(tar).entries[0]!.size).toBe(8 << 20);
    });

    it('replace-body serves any archive, e.g. a hostile one built with writeTar', async () => {
      const { writeTar, gzip } = await import('../../src/index.js');
      const hostile = await gzip(
        writeTar([
          { name: '../escape.txt', type: 'symlink', mode: 0o777, linkname: '/etc/passwd', mtime: 0 },
        ]),
      );
      const gz = await tarballSim({ type: 'replace-body', body: hostile });
      const entry = readTar(await gunzipBytes(gz)).entries[0]!;
      expect(entry).toMatchObject({ path: '../escape.txt', typeflag: '2' });
    });
  });

  it('setFaults replaces the plan and resets counters; undefined clears it', async () => {
    const sim = makeSim();
    sim.setFaults({ rules: [{ count: 1, fault: { type: 'status', status: 500 } }] });
    expect((await call(sim, 'GET', '/health')).status).toBe(500);
    expect((await call(sim, 'GET', '/health')).status).toBe(200);
    sim.setFaults({ rules: [{ count: 1, fault: { type: 'status', status: 500 } }] });
    expect((await call(sim, 'GET', '/health')).status).toBe(500);
    sim.setFaults({ rules: [{ fault: { type: 'status', status: 500 } }] });
    sim.setFaults(undefined);
    expect((await call(sim, 'GET', '/health')).status).toBe(200);
  });
});
