import { describe, expect, it } from 'vitest';
import { CP_SESSION_COOKIE } from '../../src/index.js';
import { call, fakeAgent, IDS, makeSim, messageBody, registerAgent } from '../helpers/sim.js';

const JSON_UTF8 = 'application/json; charset=utf-8';

describe('org API tokens', () => {
  it('WorkspaceAuth accepts an org token for any workspace (state, secrets/values, tokens)', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    await sim.admin.createWorkspace({ id: IDS.b, external: true, url: 'https://b.example.com' });
    await sim.admin.setSecrets(IDS.b, { K: 'v' });
    const org = await sim.admin.mintOrgToken();
    expect(org).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const a = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token: org });
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe(JSON_UTF8);
    expect(a.text).toBe(`{"deleted":false,"paused":false,"status":"online","workspace_id":"${IDS.a}"}`);
    const b = await call(sim, 'GET', `/workspaces/${IDS.b}/secrets/values`, { token: org });
    expect(b.status).toBe(200);
    expect(b.json).toEqual({ K: 'v' });
    const minted = await call(sim, 'POST', `/workspaces/${IDS.b}/tokens`, { token: org });
    expect(minted.status).toBe(201);
    expect(minted.json).toMatchObject({ workspace_id: IDS.b });
  });

  it('the 404 bodies of /state are reachable with an org token (deleted workspace)', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    await sim.admin.delete(IDS.a);
    const org = await sim.admin.mintOrgToken();
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token: org });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ workspace_id: IDS.a, status: 'removed', deleted: true });
  });

  it('an unknown token of the same shape is still 401 invalid workspace auth token', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    await sim.admin.mintOrgToken();
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token: 'x'.repeat(43) });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'invalid workspace auth token' });
  });

  it('AdminAuth accepts an org token (POST /workspaces with ADMIN_TOKEN set)', async () => {
    const sim = makeSim();
    const org = await sim.admin.mintOrgToken();
    const r = await call(sim, 'POST', '/workspaces', {
      token: org,
      body: { name: 'via org', external: true, url: 'https://x.example.com' },
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ external: true, status: 'online' });
    const wrong = await call(sim, 'POST', '/workspaces', { token: `${org}x`, body: { name: 'n' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: 'invalid admin auth token' });
  });

  it('registry, discovery and the a2a caller check do not accept an org token', async () => {
    const agent = fakeAgent();
    const sim = makeSim({ pushFetch: agent.pushFetch });
    await registerAgent(sim, IDS.a, 'https://a.example.com');
    await registerAgent(sim, IDS.b, 'https://b.example.com');
    const org = await sim.admin.mintOrgToken();
    const invalidWs = { error: 'invalid workspace auth token' };

    const hb = await call(sim, 'POST', '/registry/heartbeat', { token: org, body: { workspace_id: IDS.a } });
    expect([hb.status, hb.json]).toEqual([401, invalidWs]);
    const reg = await call(sim, 'POST', '/registry/register', {
      token: org,
      body: { id: IDS.a, url: 'https://a.example.com', agent_card: {} },
    });
    expect([reg.status, reg.json]).toEqual([401, invalidWs]);
    const peers = await call(sim, 'GET', `/registry/${IDS.a}/peers`, { token: org });
    expect([peers.status, peers.json]).toEqual([401, invalidWs]);
    const disc = await call(sim, 'GET', `/registry/discover/${IDS.b}`, {
      token: org,
      headers: { 'X-Workspace-ID': IDS.a },
    });
    expect([disc.status, disc.json]).toEqual([401, invalidWs]);
    const a2a = await call(sim, 'POST', `/workspaces/${IDS.b}/a2a`, {
      token: org,
      headers: { 'X-Workspace-ID': IDS.a },
      body: messageBody('hi'),
    });
    expect([a2a.status, a2a.json]).toEqual([401, { error: 'invalid caller auth token' }]);
    expect(agent.received).toHaveLength(0);
  });

  it('503 platform_unavailable when the org-token lookup fails during a datastore outage', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    const org = await sim.admin.mintOrgToken();
    sim.setFaults({ rules: [{ path: '/workspaces/:id/state', fault: { type: 'datastore-down' } }] });
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token: org });
    expect(r.status).toBe(503);
    expect(r.headers.get('content-type')).toBe(JSON_UTF8);
    expect(r.text).toBe(
      '{"code":"platform_unavailable","error":"platform datastore unavailable — retry shortly"}',
    );
  });

  it('POST /admin/sim/org-tokens mints one over HTTP (admin token required)', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    expect((await call(sim, 'POST', '/admin/sim/org-tokens')).status).toBe(401);
    const r = await call(sim, 'POST', '/admin/sim/org-tokens', { token: sim.adminToken });
    expect(r.status).toBe(201);
    expect(Object.keys(r.json)).toEqual(['auth_token']);
    const state = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token: r.json.auth_token });
    expect(state.status).toBe(200);
  });
});

describe('control-plane session cookies', () => {
  it('peers and discover: a valid CP session is allowed without a bearer', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a, 'https://a.example.com');
    await sim.admin.createWorkspace({
      id: IDS.b,
      name: 'Beta',
      external: true,
      url: 'https://b.example.com',
    });
    const cookie = await sim.admin.issueCpSession();
    expect(cookie.startsWith(`${CP_SESSION_COOKIE}=`)).toBe(true);

    const peers = await call(sim, 'GET', `/registry/${IDS.a}/peers`, { headers: { Cookie: cookie } });
    expect(peers.status).toBe(200);
    expect(peers.headers.get('content-type')).toBe(JSON_UTF8);
    expect(peers.json.map((p: { id: string }) => p.id)).toEqual([IDS.b]);
    const disc = await call(sim, 'GET', `/registry/discover/${IDS.b}`, {
      headers: { Cookie: `theme=dark; ${cookie}`, 'X-Workspace-ID': IDS.a },
    });
    expect(disc.status).toBe(200);
    expect(disc.json).toEqual({ id: IDS.b, url: 'https://b.example.com', name: 'Beta' });
  });

  it('an invalid CP session is 401 {"error":"invalid session"} on peers and discover', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a, 'https://a.example.com');
    await sim.admin.issueCpSession();
    const bad = { Cookie: `${CP_SESSION_COOKIE}=forged` };
    const peers = await call(sim, 'GET', `/registry/${IDS.a}/peers`, { token, headers: bad });
    expect(peers.status).toBe(401);
    expect(peers.headers.get('content-type')).toBe(JSON_UTF8);
    expect(peers.text).toBe('{"error":"invalid session"}');
    const disc = await call(sim, 'GET', `/registry/discover/${IDS.a}`, {
      headers: { ...bad, 'X-Workspace-ID': IDS.a },
    });
    expect([disc.status, disc.json]).toEqual([401, { error: 'invalid session' }]);
  });

  it('AdminAuth accepts a valid CP session; an invalid one is no credential', async () => {
    const sim = makeSim();
    const cookie = await sim.admin.issueCpSession();
    const ok = await call(sim, 'POST', '/workspaces', { headers: { Cookie: cookie }, body: { name: 'cp' } });
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ status: 'provisioning' });
    const bad = await call(sim, 'POST', '/workspaces', {
      headers: { Cookie: `${CP_SESSION_COOKIE}=forged` },
      body: { name: 'cp' },
    });
    expect([bad.status, bad.json]).toEqual([401, { error: 'admin auth required' }]);
  });

  it('WorkspaceAuth does not accept a CP session', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    const cookie = await sim.admin.issueCpSession();
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { headers: { Cookie: cookie } });
    expect([r.status, r.json]).toEqual([401, { error: 'missing workspace auth token' }]);
  });

  it('POST /admin/sim/cp-sessions issues one over HTTP', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', '/admin/sim/cp-sessions', { token: sim.adminToken });
    expect(r.status).toBe(201);
    expect(r.json.cookie).toMatch(new RegExp(`^${CP_SESSION_COOKIE}=[A-Za-z0-9_-]{43}$`));
    const peers = await call(sim, 'GET', `/registry/${IDS.a}/peers`, { headers: { Cookie: r.json.cookie } });
    expect(peers.status).toBe(200);
  });
});

describe('same-origin canvas (canvasProxyUrl)', () => {
  const ORG = 'org-123';
  const CANVAS = 'http://canvas:3000';

  it('passes TenantGuard and WorkspaceAuth without a bearer when Origin is http(s)://<Host>', async () => {
    const sim = makeSim({ orgId: ORG, canvasProxyUrl: CANVAS });
    await registerAgent(sim, IDS.a);
    for (const origin of ['http://platform.test', 'https://platform.test']) {
      const r = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { headers: { Origin: origin } });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ workspace_id: IDS.a, status: 'online' });
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('a Referer must start with http(s)://<Host>/ (the slash included)', async () => {
    const sim = makeSim({ orgId: ORG, canvasProxyUrl: CANVAS });
    await registerAgent(sim, IDS.a);
    const path = `/workspaces/${IDS.a}/state`;
    const ok = await call(sim, 'GET', path, { headers: { Referer: 'https://platform.test/canvas/ws' } });
    expect(ok.status).toBe(200);
    for (const referer of ['http://platform.test', 'http://platform.test.evil.com/', 'http://other.test/']) {
      const r = await call(sim, 'GET', path, { headers: { Referer: referer } });
      expect(r.status).toBe(404);
      expect(r.text).toBe('');
    }
  });

  it('without canvasProxyUrl the same request is a TenantGuard 404 / a WorkspaceAuth 401', async () => {
    const headers = { Origin: 'http://platform.test' };
    const guarded = makeSim({ orgId: ORG });
    await registerAgent(guarded, IDS.a);
    const r1 = await call(guarded, 'GET', `/workspaces/${IDS.a}/state`, { headers });
    expect([r1.status, r1.text]).toEqual([404, '']);
    const open = makeSim();
    await registerAgent(open, IDS.a);
    const r2 = await call(open, 'GET', `/workspaces/${IDS.a}/state`, { headers });
    expect([r2.status, r2.json]).toEqual([401, { error: 'missing workspace auth token' }]);
  });

  it('WorkspaceAuth bypass only when no bearer is sent; TenantGuard passes regardless', async () => {
    const sim = makeSim({ orgId: ORG, canvasProxyUrl: CANVAS });
    const token = await registerAgent(sim, IDS.a);
    const headers = { Origin: 'http://platform.test' };
    const wrong = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token: 'nope', headers });
    expect([wrong.status, wrong.json]).toEqual([401, { error: 'invalid workspace auth token' }]);
    const peers = await call(sim, 'GET', `/registry/${IDS.a}/peers`, { token, headers });
    expect(peers.status).toBe(200);
    expect(peers.json).toEqual([]);
  });
});

describe('GET /admin/workspaces/:id/test-token in production', () => {
  it('production: 404 {"error":"not found"}, even with the admin token and for a known workspace', async () => {
    const sim = makeSim({ production: true });
    await registerAgent(sim, IDS.a);
    const r = await call(sim, 'GET', `/admin/workspaces/${IDS.a}/test-token`, { token: sim.adminToken });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe(JSON_UTF8);
    expect(r.text).toBe('{"error":"not found"}');
    expect(sim.admin.workspace(IDS.a)!.liveTokens).toBe(1);
  });

  it('enableTestTokens keeps the route on in production', async () => {
    const sim = makeSim({ production: true, enableTestTokens: true });
    await registerAgent(sim, IDS.a);
    const r = await call(sim, 'GET', `/admin/workspaces/${IDS.a}/test-token`, { token: sim.adminToken });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ auth_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), workspace_id: IDS.a });
  });
});
