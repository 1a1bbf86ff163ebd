import { describe, expect, it } from 'vitest';
import { call, IDS, makeSim, registerAgent } from '../helpers/sim.js';

describe('rate limiter (fixed window per client IP)', () => {
  it('every response carries X-RateLimit-Limit/Remaining/Reset, including 404s and registry calls', async () => {
    const sim = makeSim();
    const a = await call(sim, 'GET', '/health');
    expect([
      a.headers.get('x-ratelimit-limit'),
      a.headers.get('x-ratelimit-remaining'),
      a.headers.get('x-ratelimit-reset'),
    ]).toEqual(['600', '599', '60']);
    const b = await call(sim, 'GET', '/nope');
    expect(b.headers.get('x-ratelimit-remaining')).toBe('598');
    const c = await call(sim, 'POST', '/registry/heartbeat', { body: { workspace_id: IDS.a } });
    expect(c.headers.get('x-ratelimit-remaining')).toBe('597');
  });

  it('429 {"error":"rate limit exceeded","retry_after":N} with Retry-After = X-RateLimit-Reset (integer seconds)', async () => {
    let now = 1_000_000;
    const sim = makeSim({ rateLimit: 2, clock: { now: () => now } });
    await call(sim, 'GET', '/health');
    now += 10_500;
    await call(sim, 'GET', '/health');
    const r = await call(sim, 'GET', '/health');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('49');
    expect(r.headers.get('x-ratelimit-reset')).toBe('49');
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(r.text).toBe('{"error":"rate limit exceeded","retry_after":49}');
  });

  it('Retry-After can be 0 near the end of a window; the bucket refills once the minute has passed', async () => {
    let now = 0;
    const sim = makeSim({ rateLimit: 1, clock: { now: () => now } });
    await call(sim, 'GET', '/health');
    now = 59_600;
    const r = await call(sim, 'GET', '/health');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('0');
    expect(r.json).toEqual({ error: 'rate limit exceeded', retry_after: 0 });
    now = 60_000;
    expect((await call(sim, 'GET', '/health')).status).toBe(200);
  });

  it('keys by IP: another client has its own bucket', async () => {
    const sim = makeSim({ rateLimit: 1 });
    expect((await call(sim, 'GET', '/health', { ip: '1.1.1.1' })).status).toBe(200);
    expect((await call(sim, 'GET', '/health', { ip: '1.1.1.1' })).status).toBe(429);
    expect((await call(sim, 'GET', '/health', { ip: '2.2.2.2' })).status).toBe(200);
  });

  it('dev mode without ADMIN_TOKEN skips the limiter and sends X-RateLimit-Limit: unlimited', async () => {
    const sim = makeSim({ devMode: true, adminToken: false, rateLimit: 1 });
    for (let i = 0; i < 3; i++) {
      const r = await call(sim, 'GET', '/health');
      expect(r.status).toBe(200);
      expect(r.headers.get('x-ratelimit-limit')).toBe('unlimited');
      expect(r.headers.get('x-ratelimit-remaining')).toBeNull();
    }
  });

  it('rateLimit: false disables it (no headers)', async () => {
    const r = await call(makeSim({ rateLimit: false }), 'GET', '/health');
    expect(r.headers.get('x-ratelimit-limit')).toBeNull();
  });
});

describe('TenantGuard (orgId set)', () => {
  const ORG = 'org-123';

  it('404 with an empty body (rate headers, no security headers) without X-Molecule-Org-Id', async () => {
    const sim = makeSim({ orgId: ORG });
    const token = await registerAgent(sim, IDS.a);
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token });
    expect(r.status).toBe(404);
    expect(r.text).toBe('');
    expect(r.headers.get('content-type')).toBeNull();
    expect(r.headers.get('x-ratelimit-limit')).toBe('600');
    expect(r.headers.get('x-content-type-options')).toBeNull();
  });

  it('passes with the exact org header (case-sensitive value) or a Fly-Replay-Src state', async () => {
    const sim = makeSim({ orgId: ORG });
    const token = await registerAgent(sim, IDS.a);
    const ok = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, {
      token,
      headers: { 'X-Molecule-Org-Id': ORG },
    });
    expect(ok.status).toBe(200);
    const wrongCase = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, {
      token,
      headers: { 'X-Molecule-Org-Id': 'ORG-123' },
    });
    expect(wrongCase.status).toBe(404);
    const fly = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, {
      token,
      headers: { 'Fly-Replay-Src': `instance=1;region=ord;state=${ORG}` },
    });
    expect(fly.status).toBe(200);
  });

  it('allow-lists exactly /health, /registry/register, /registry/heartbeat and /cp/*; not update-card, peers, discover', async () => {
    const sim = makeSim({ orgId: ORG });
    expect((await call(sim, 'GET', '/health')).status).toBe(200);
    const token = await registerAgent(sim, IDS.a);
    expect(
      (await call(sim, 'POST', '/registry/heartbeat', { token, body: { workspace_id: IDS.a } })).status,
    ).toBe(200);
    expect((await call(sim, 'GET', '/cp/anything')).text).toBe('404 page not found');
    expect(
      (
        await call(sim, 'POST', '/registry/update-card', {
          token,
          body: { workspace_id: IDS.a, agent_card: {} },
        })
      ).text,
    ).toBe('');
    expect((await call(sim, 'GET', `/registry/${IDS.a}/peers`, { token })).text).toBe('');
    expect((await call(sim, 'GET', `/registry/discover/${IDS.a}`, { token })).text).toBe('');
    expect((await call(sim, 'GET', '/health/')).status).toBe(404);
  });

  it('an org id turns SaaS mode on (RFC-1918 agent URLs accepted) unless saasMode: false', async () => {
    const body = { id: IDS.a, url: 'http://10.0.0.5:8000', agent_card: {} };
    expect((await call(makeSim({ orgId: ORG }), 'POST', '/registry/register', { body })).status).toBe(200);
    expect(
      (await call(makeSim({ orgId: ORG, saasMode: false }), 'POST', '/registry/register', { body })).status,
    ).toBe(400);
  });
});

describe('CORS', () => {
  it('403 with an empty body for a foreign Origin, before the limiter (no rate headers)', async () => {
    const sim = makeSim();
    const r = await call(sim, 'GET', '/health', { headers: { Origin: 'https://evil.example' } });
    expect(r.status).toBe(403);
    expect(r.text).toBe('');
    expect(r.headers.get('x-ratelimit-limit')).toBeNull();
    expect((await call(sim, 'GET', '/health')).headers.get('x-ratelimit-remaining')).toBe('599');
  });

  it('an Origin equal to http(s)://<Host> is not a CORS request', async () => {
    const sim = makeSim();
    for (const origin of ['http://platform.test', 'https://platform.test']) {
      const r = await call(sim, 'GET', '/health', { headers: { Origin: origin } });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('allow-listed origins (default localhost:3000/3001 or corsOrigins) get CORS headers; preflight is 204', async () => {
    const sim = makeSim();
    const r = await call(sim, 'GET', '/health', { headers: { Origin: 'http://localhost:3000' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(r.headers.get('access-control-allow-credentials')).toBe('true');
    const pre = await call(sim, 'OPTIONS', '/workspaces/x/state', {
      headers: { Origin: 'http://localhost:3001', 'Access-Control-Request-Method': 'GET' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET,POST,PUT,PATCH,DELETE,OPTIONS');
    expect(pre.headers.get('access-control-allow-headers')).toBe(
      'Origin,Content-Type,X-Workspace-Id,Authorization',
    );
    const custom = makeSim({ corsOrigins: ['https://app.example'] });
    expect(
      (await call(custom, 'GET', '/health', { headers: { Origin: 'https://app.example' } })).status,
    ).toBe(200);
    expect(
      (await call(custom, 'GET', '/health', { headers: { Origin: 'http://localhost:3000' } })).status,
    ).toBe(403);
  });
});

describe('security headers', () => {
  it('set on handled responses and 404s: strict CSP on API paths, the canvas CSP elsewhere', async () => {
    const sim = makeSim();
    const api = await call(sim, 'GET', '/health');
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('x-frame-options')).toBe('DENY');
    expect(api.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(api.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(api.headers.get('permissions-policy')).toBe('camera=(), microphone=(), geolocation=()');
    expect(api.headers.get('content-security-policy')).toBe("default-src 'self'");
    const canvas = await call(sim, 'GET', '/some/page');
    expect(canvas.headers.get('content-security-policy')).toContain("script-src 'self' 'unsafe-inline'");
  });
});
