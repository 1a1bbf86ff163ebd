import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlatformSim } from '../../src/index.js';
import { type PlatformServer, startPlatformServer } from '../../src/node/index.js';

const servers: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function listen(sim = createPlatformSim({ seed: 3, devMode: true })): Promise<PlatformServer> {
  const s = await startPlatformServer(sim, { port: 0 });
  servers.push(s);
  return s;
}

describe('startPlatformServer', () => {
  it('serves the simulator over real HTTP on a free port and reports its URL', async () => {
    const s = await listen();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await fetch(`${s.url}/health`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
    expect(r.headers.get('x-ratelimit-limit')).toBe('600');
  });

  it('passes the TCP peer IP (not X-Forwarded-For) to the rate limiter', async () => {
    const sim = createPlatformSim({ seed: 1, rateLimit: 2 });
    const s = await listen(sim);
    const headers = { 'X-Forwarded-For': '203.0.113.9' };
    await fetch(`${s.url}/health`, { headers });
    await fetch(`${s.url}/health`, { headers: { 'X-Forwarded-For': '198.51.100.1' } });
    const third = await fetch(`${s.url}/health`);
    expect(third.status).toBe(429);
    expect(sim.requests.map((r) => r.ip)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it('pushes A2A to a real agent server on localhost in dev mode', async () => {
    const agent = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const msg = JSON.parse(body);
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { parts: [{ kind: 'text', text: 'pong' }] } }),
        );
      });
    });
    await new Promise<void>((r) => agent.listen(0, '127.0.0.1', () => r()));
    servers.push({ close: () => new Promise<void>((r) => agent.close(() => r())) });
    const port = (agent.address() as AddressInfo).port;
    const s = await listen();
    const id = '12345678-1234-4234-8234-123456789abc';
    const reg = await fetch(`${s.url}/registry/register`, {
      method: 'POST',
      body: JSON.stringify({ id, url: `http://localhost:${port}`, agent_card: { name: 'real' } }),
    });
    expect(reg.status).toBe(200);
    const r = await fetch(`${s.url}/workspaces/${id}/a2a`, {
      method: 'POST',
      body: JSON.stringify({
        method: 'message/send',
        params: { message: { role: 'user', parts: [{ kind: 'text', text: 'ping' }] } },
      }),
    });
    expect(r.status).toBe(200);
    expect((await r.json()).result.parts[0].text).toBe('pong');
  });

  it('an injected reset drops the connection; a mid-body stream error cuts it', async () => {
    const sim = createPlatformSim({
      seed: 2,
      faults: {
        rules: [
          { path: '/health', fault: { type: 'reset' } },
          { path: '/registry/heartbeat', fault: { type: 'stream-error', afterBytes: 3 } },
        ],
      },
    });
    const s = await listen(sim);
    await expect(fetch(`${s.url}/health`)).rejects.toThrow();
    const hb = await fetch(`${s.url}/registry/heartbeat`, { method: 'POST', body: '{"workspace_id":"x"}' });
    expect(hb.status).toBe(500);
    await expect(hb.text()).rejects.toThrow();
    expect(sim.requests.map((r) => r.status)).toEqual([0, 500]);
  });

  it('close() stops the listener', async () => {
    const s = await startPlatformServer(createPlatformSim({ seed: 1 }));
    await s.close();
    await expect(fetch(`${s.url}/health`)).rejects.toThrow();
  });
});
