import { describe, expect, it } from 'vitest';
import { call, IDS, makeSim, registerAgent } from '../helpers/sim.js';

const JSON_UTF8 = 'application/json; charset=utf-8';
const card = { name: 'agent', skills: [] };

describe('POST /registry/register', () => {
  it('200 with a 43-char base64url auth_token the first time', async () => {
    const sim = makeSim();
    const r = await call(sim, 'POST', '/registry/register', {
      body: { id: IDS.a, url: 'https://agent.example.com', agent_card: card },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe(JSON_UTF8);
    expect(r.json.status).toBe('registered');
    expect(r.json.auth_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // gin.H is a Go map: keys come out sorted
    expect(r.text).toBe(`{"auth_token":"${r.json.auth_token}","status":"registered"}`);
  });

  it('200 {"status":"registered"} without a token once one is live', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', '/registry/register', {
      token,
      body: { id: IDS.a, url: 'https://agent.example.com', agent_card: card },
    });
    expect(r.status).toBe(200);
    expect(r.text).toBe('{"status":"registered"}');
  });

  it('creates an unknown id as a root workspace with runtime langgraph, name = id, online', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    const ws = sim.admin.workspace(IDS.a)!;
    expect(ws).toMatchObject({ name: IDS.a, runtime: 'langgraph', parentId: null, status: 'online' });
    expect(ws.agentCard).toEqual({ name: 'agent' });
  });

  it.each([
    ['bad JSON', '{"id":'],
    ['an empty body', ''],
    ['a JSON array', '[]'],
    ['a missing url', JSON.stringify({ id: IDS.a, agent_card: {} })],
    ['an empty id', JSON.stringify({ id: '', url: 'https://a.example.com', agent_card: {} })],
    ['a missing agent_card', JSON.stringify({ id: IDS.a, url: 'https://a.example.com' })],
    ['a numeric id', JSON.stringify({ id: 5, url: 'https://a.example.com', agent_card: {} })],
  ])('400 invalid request body for %s', async (_label, raw) => {
    const r = await call(makeSim(), 'POST', '/registry/register', { rawBody: raw });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'invalid request body' });
  });

  it.each([
    ['a loopback IP literal', 'http://127.0.0.1:8080'],
    ['IPv6 loopback', 'http://[::1]:8080'],
    ['link-local metadata', 'http://169.254.169.254/'],
    ['RFC-1918 outside SaaS mode', 'http://10.1.2.3:8000'],
    ['CGNAT', 'http://100.64.0.1/'],
    ['the remote:// placeholder', 'remote://no-inbound'],
    ['a DNS name that does not resolve', 'https://nowhere.invalid'],
    ['a non-URL', 'not a url'],
  ])('400 invalid request body for a rejected URL: %s', async (_label, url) => {
    const r = await call(makeSim(), 'POST', '/registry/register', {
      body: { id: IDS.a, url, agent_card: card },
    });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'invalid request body' });
  });

  it('accepts http://localhost without a lookup, and RFC-1918 in SaaS mode', async () => {
    expect(
      (
        await call(makeSim(), 'POST', '/registry/register', {
          body: { id: IDS.a, url: 'http://localhost:9000', agent_card: card },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call(makeSim({ saasMode: true }), 'POST', '/registry/register', {
          body: { id: IDS.a, url: 'http://10.1.2.3:8000', agent_card: card },
        })
      ).status,
    ).toBe(200);
  });

  it('accepts remote://no-inbound when allowPlaceholderUrl is set', async () => {
    const sim = makeSim({ allowPlaceholderUrl: true });
    const r = await call(sim, 'POST', '/registry/register', {
      body: { id: IDS.a, url: 'remote://no-inbound', agent_card: card },
    });
    expect(r.status).toBe(200);
    expect(sim.admin.workspace(IDS.a)!.url).toBe('remote://no-inbound');
  });

  it('checks the URL before the token: a bad URL is 400 even unauthenticated', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', '/registry/register', {
      body: { id: IDS.a, url: 'http://127.0.0.1:1', agent_card: card },
    });
    expect(r.status).toBe(400);
  });

  it('401 missing workspace auth token when a token is live and no bearer is sent', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', '/registry/register', {
      body: { id: IDS.a, url: 'https://agent.example.com', agent_card: card },
    });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'missing workspace auth token' });
  });

  it('401 invalid workspace auth token for a wrong, foreign, admin or lowercase-bearer token', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    const other = await registerAgent(sim, IDS.b);
    for (const headers of [
      { Authorization: 'Bearer nope' },
      { Authorization: `Bearer ${other}` },
      { Authorization: `Bearer ${sim.adminToken}` },
    ]) {
      const r = await call(sim, 'POST', '/registry/register', {
        headers,
        body: { id: IDS.a, url: 'https://agent.example.com', agent_card: card },
      });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ error: 'invalid workspace auth token' });
    }
    const lower = await call(sim, 'POST', '/registry/register', {
      headers: { Authorization: `bearer ${other}` },
      body: { id: IDS.a, url: 'https://agent.example.com', agent_card: card },
    });
    expect(lower.json).toEqual({ error: 'missing workspace auth token' });
  });

  it('500 registration failed for a non-UUID id', async () => {
    const r = await call(makeSim(), 'POST', '/registry/register', {
      body: { id: 'not-a-uuid', url: 'https://agent.example.com', agent_card: card },
    });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: 'registration failed' });
  });

  it('500 registration failed when the datastore is down', async () => {
    const sim = makeSim({
      faults: { rules: [{ path: '/registry/register', fault: { type: 'datastore-down' } }] },
    });
    const r = await call(sim, 'POST', '/registry/register', {
      body: { id: IDS.a, url: 'https://agent.example.com', agent_card: card },
    });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: 'registration failed' });
  });

  it('un-pauses a paused workspace and keeps a provisioner-set 127.0.0.1 URL', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    await sim.admin.pause(IDS.a);
    expect(sim.admin.workspace(IDS.a)!.status).toBe('paused');
    await call(sim, 'POST', '/registry/register', {
      token,
      body: { id: IDS.a, url: 'https://new.example.com', agent_card: card },
    });
    expect(sim.admin.workspace(IDS.a)).toMatchObject({ status: 'online', url: 'https://new.example.com' });

    await sim.admin.createWorkspace({ id: IDS.b, url: 'http://127.0.0.1:7001', external: true });
    await call(sim, 'POST', '/registry/register', {
      body: { id: IDS.b, url: 'https://x.example.com', agent_card: {} },
    });
    expect(sim.admin.workspace(IDS.b)!.url).toBe('http://127.0.0.1:7001');
  });

  it('a removed workspace: 200 with a fresh token that cannot be used', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    await sim.admin.delete(IDS.a);
    const r = await call(sim, 'POST', '/registry/register', {
      body: { id: IDS.a, url: 'https://agent.example.com', agent_card: card },
    });
    expect(r.status).toBe(200);
    expect(r.json.auth_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sim.admin.workspace(IDS.a)!.status).toBe('removed');
    const state = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token: r.json.auth_token });
    expect(state.status).toBe(401);
  });

  it('a workspace created without URL has a token at create: register needs it and returns none', async () => {
    const sim = makeSim();
    const { id, token } = await sim.admin.createWorkspace({ external: true });
    const bare = await call(sim, 'POST', '/registry/register', {
      body: { id, url: 'https://agent.example.com', agent_card: card },
    });
    expect(bare.status).toBe(401);
    const ok = await call(sim, 'POST', '/registry/register', {
      token,
      body: { id, url: 'https://agent.example.com', agent_card: card },
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ status: 'registered' });
  });
});

describe('POST /registry/heartbeat', () => {
  it('200 {"status":"ok"} and the counters are stored', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', '/registry/heartbeat', {
      token,
      body: { workspace_id: IDS.a, active_tasks: 2, uptime_seconds: 30, current_task: 'x', error_rate: 0.01 },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe(JSON_UTF8);
    expect(r.text).toBe('{"status":"ok"}');
    expect(sim.admin.workspace(IDS.a)).toMatchObject({ activeTasks: 2, uptimeSeconds: 30, currentTask: 'x' });
  });

  it('200 for an unknown workspace id (no auth needed, nothing created)', async () => {
    const sim = makeSim();
    const r = await call(sim, 'POST', '/registry/heartbeat', { body: { workspace_id: IDS.unknown } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ok' });
    expect(sim.admin.workspace(IDS.unknown)).toBeUndefined();
  });

  it('200 for a removed workspace (its tokens are revoked, so no auth applies)', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    await sim.admin.delete(IDS.a);
    const r = await call(sim, 'POST', '/registry/heartbeat', {
      body: { workspace_id: IDS.a, active_tasks: 1 },
    });
    expect(r.status).toBe(200);
    expect(sim.admin.workspace(IDS.a)!.status).toBe('removed');
  });

  it.each([
    ['a float active_tasks', { active_tasks: 1.5 }],
    ['1.0 for an int', { uptime_seconds: 1.0 }],
    ['an exponent for an int', { active_tasks: 1e2 }],
    ['a string active_tasks', { active_tasks: '1' }],
    ['a string error_rate', { error_rate: 'high' }],
    ['a numeric current_task', { current_task: 7 }],
    ['a non-bool capability', { runtime_metadata: { capabilities: { session: 'yes' } } }],
  ])('400 invalid request body for %s', async (_label, extra) => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    // JSON.stringify would print 1.0 as 1: write the raw text for the float cases.
    const raw = JSON.stringify({ workspace_id: IDS.a, ...extra })
      .replace('"uptime_seconds":1', '"uptime_seconds":1.0')
      .replace('"active_tasks":100', '"active_tasks":1e2');
    const r = await call(sim, 'POST', '/registry/heartbeat', { token, rawBody: raw });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'invalid request body' });
  });

  it('400 when workspace_id is missing', async () => {
    const r = await call(makeSim(), 'POST', '/registry/heartbeat', { body: { active_tasks: 1 } });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'invalid request body' });
  });

  it('accepts case-insensitive keys, null values and trailing bytes like Go', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', '/registry/heartbeat', {
      token,
      rawBody: `{"Workspace_ID":"${IDS.a}","active_tasks":null,"uptime_seconds":-0} trailing`,
    });
    expect(r.status).toBe(200);
  });

  it('401 missing / invalid workspace auth token', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    const missing = await call(sim, 'POST', '/registry/heartbeat', { body: { workspace_id: IDS.a } });
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ error: 'missing workspace auth token' });
    const invalid = await call(sim, 'POST', '/registry/heartbeat', {
      token: 'x',
      body: { workspace_id: IDS.a },
    });
    expect(invalid.status).toBe(401);
    expect(invalid.json).toEqual({ error: 'invalid workspace auth token' });
  });

  it('passes without a bearer while the workspace has no live token (grandfathered)', async () => {
    const sim = makeSim();
    await sim.admin.createWorkspace({ id: IDS.a, external: true, url: 'https://a.example.com' });
    const r = await call(sim, 'POST', '/registry/heartbeat', { body: { workspace_id: IDS.a } });
    expect(r.status).toBe(200);
    expect(sim.admin.workspace(IDS.a)!.status).toBe('online');
  });

  it('500 failed to update for a non-UUID id; and when the datastore is down (auth fails open)', async () => {
    const r = await call(makeSim(), 'POST', '/registry/heartbeat', { body: { workspace_id: 'abc' } });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: 'failed to update' });
    const sim = makeSim({
      faults: { rules: [{ path: '/registry/heartbeat', fault: { type: 'datastore-down' } }] },
    });
    const down = await call(sim, 'POST', '/registry/heartbeat', { body: { workspace_id: IDS.a } });
    expect(down.status).toBe(500);
    expect(down.json).toEqual({ error: 'failed to update' });
  });

  it('status transitions: provisioning→online, degraded at error_rate ≥ 0.5, back under 0.1, wedged', async () => {
    const sim = makeSim();
    await sim.admin.createWorkspace({ id: IDS.a });
    expect(sim.admin.workspace(IDS.a)!.status).toBe('provisioning');
    const hb = (body: Record<string, unknown>) =>
      call(sim, 'POST', '/registry/heartbeat', { body: { workspace_id: IDS.a, ...body } });
    await hb({});
    expect(sim.admin.workspace(IDS.a)!.status).toBe('online');
    await hb({ error_rate: 0.5 });
    expect(sim.admin.workspace(IDS.a)!.status).toBe('degraded');
    await hb({ error_rate: 0.2 });
    expect(sim.admin.workspace(IDS.a)!.status).toBe('degraded');
    await hb({ error_rate: 0.05 });
    expect(sim.admin.workspace(IDS.a)!.status).toBe('online');
    await hb({ runtime_state: 'wedged' });
    expect(sim.admin.workspace(IDS.a)!.status).toBe('degraded');
  });

  it('status_mgmt capability disables the error-rate rule; paused is never changed', async () => {
    const sim = makeSim();
    await sim.admin.createWorkspace({ id: IDS.a, external: true, url: 'https://a.example.com' });
    await call(sim, 'POST', '/registry/heartbeat', {
      body: {
        workspace_id: IDS.a,
        error_rate: 0.9,
        runtime_metadata: { capabilities: { status_mgmt: true } },
      },
    });
    expect(sim.admin.workspace(IDS.a)!.status).toBe('online');
    expect(sim.admin.workspace(IDS.a)!.capabilities).toEqual({ status_mgmt: true });
    await sim.admin.pause(IDS.a);
    await call(sim, 'POST', '/registry/heartbeat', { body: { workspace_id: IDS.a } });
    expect(sim.admin.workspace(IDS.a)!.status).toBe('paused');
  });

  it('liveness: expiry marks offline; a heartbeat brings it back online without re-creating the key', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    expect(sim.admin.workspace(IDS.a)!.live).toBe(true);
    await sim.admin.expireLiveness(IDS.a);
    expect(sim.admin.workspace(IDS.a)).toMatchObject({ status: 'offline', live: false });
    await call(sim, 'POST', '/registry/heartbeat', { token, body: { workspace_id: IDS.a } });
    expect(sim.admin.workspace(IDS.a)).toMatchObject({ status: 'online', live: false });
  });

  it('liveness follows the injected clock: 180 s without register/heartbeat → offline', async () => {
    let now = 1_000_000;
    const sim = makeSim({ clock: { now: () => now } });
    const token = await registerAgent(sim, IDS.a);
    now += 179_000;
    await call(sim, 'POST', '/registry/heartbeat', { token, body: { workspace_id: IDS.a } });
    now += 179_000;
    await call(sim, 'GET', '/health');
    expect(sim.admin.workspace(IDS.a)!.status).toBe('online');
    now += 2_000;
    await call(sim, 'GET', '/health');
    expect(sim.admin.workspace(IDS.a)!.status).toBe('offline');
  });
});

describe('POST /registry/update-card', () => {
  it('200 {"status":"updated"} and the card is stored as-is', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', '/registry/update-card', {
      token,
      body: { workspace_id: IDS.a, agent_card: { name: 'v2', skills: [{ id: 's' }] } },
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'updated' });
    expect(sim.admin.workspace(IDS.a)!.agentCard).toEqual({ name: 'v2', skills: [{ id: 's' }] });
  });

  it('400 invalid request body without agent_card', async () => {
    const r = await call(makeSim(), 'POST', '/registry/update-card', { body: { workspace_id: IDS.a } });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'invalid request body' });
  });

  it('401 when a token is live and the bearer is missing or wrong', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', '/registry/update-card', {
      body: { workspace_id: IDS.a, agent_card: {} },
    });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'missing workspace auth token' });
    const bad = await call(sim, 'POST', '/registry/update-card', {
      token: 'bad',
      body: { workspace_id: IDS.a, agent_card: {} },
    });
    expect(bad.json).toEqual({ error: 'invalid workspace auth token' });
  });

  it('500 failed to update card for a non-UUID id', async () => {
    const r = await call(makeSim(), 'POST', '/registry/update-card', {
      body: { workspace_id: 'x', agent_card: {} },
    });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: 'failed to update card' });
  });
});
