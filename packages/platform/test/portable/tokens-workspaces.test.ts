import { describe, expect, it } from 'vitest';
import { BASE, call, IDS, makeSim, registerAgent } from '../helpers/sim.js';

describe('POST/GET/DELETE /workspaces/:id/tokens', () => {
  it('201 mints an extra token {auth_token, workspace_id, message}; both tokens work', async () => {
    const sim = makeSim();
    const first = await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', `/workspaces/${IDS.a}/tokens`, { token: first });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({
      auth_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      workspace_id: IDS.a,
      message: 'Save this token now — it cannot be retrieved again.',
    });
    for (const token of [first, r.json.auth_token]) {
      expect((await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token })).status).toBe(200);
    }
  });

  it('GET lists {tokens:[{id,prefix,created_at,last_used_at}],count}, newest first, prefix = 8 chars', async () => {
    const sim = makeSim();
    const first = await registerAgent(sim, IDS.a);
    const second = (await call(sim, 'POST', `/workspaces/${IDS.a}/tokens`, { token: first })).json.auth_token;
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/tokens`, { token: first });
    expect(r.status).toBe(200);
    expect(r.json.count).toBe(2);
    expect(r.json.tokens.map((t: { prefix: string }) => t.prefix)).toEqual([
      second.slice(0, 8),
      first.slice(0, 8),
    ]);
    expect(Object.keys(r.json.tokens[0])).toEqual(['created_at', 'id', 'last_used_at', 'prefix']);
    expect(r.json.tokens[1].last_used_at).toEqual(expect.any(String));
    expect(r.text).not.toContain(first);
  });

  it('DELETE revokes by row id: 200 {"status":"revoked"}, then the token is dead; 404 the second time', async () => {
    const sim = makeSim();
    const first = await registerAgent(sim, IDS.a);
    const second = (await call(sim, 'POST', `/workspaces/${IDS.a}/tokens`, { token: first })).json.auth_token;
    const list = (await call(sim, 'GET', `/workspaces/${IDS.a}/tokens`, { token: first })).json.tokens;
    const secondId = list.find((t: { prefix: string }) => t.prefix === second.slice(0, 8)).id;
    const r = await call(sim, 'DELETE', `/workspaces/${IDS.a}/tokens/${secondId}`, { token: first });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'revoked' });
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token: second })).status).toBe(401);
    const again = await call(sim, 'DELETE', `/workspaces/${IDS.a}/tokens/${secondId}`, { token: first });
    expect(again.status).toBe(404);
    expect(again.json).toEqual({ error: 'token not found or already revoked' });
    const junk = await call(sim, 'DELETE', `/workspaces/${IDS.a}/tokens/junk`, { token: first });
    expect(junk.status).toBe(500);
    expect(junk.json).toEqual({ error: 'failed to revoke token' });
  });

  it('429 maximum 50 active tokens per workspace', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    for (let i = 1; i < 50; i++)
      expect((await call(sim, 'POST', `/workspaces/${IDS.a}/tokens`, { token })).status).toBe(201);
    const r = await call(sim, 'POST', `/workspaces/${IDS.a}/tokens`, { token });
    expect(r.status).toBe(429);
    expect(r.json).toEqual({ error: 'maximum 50 active tokens per workspace' });
  });

  it('register mints only while no token is live: after revoking all, the next register mints again', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    const list = (await call(sim, 'GET', `/workspaces/${IDS.a}/tokens`, { token })).json.tokens;
    await call(sim, 'DELETE', `/workspaces/${IDS.a}/tokens/${list[0].id}`, { token });
    const again = await registerAgent(sim, IDS.a);
    expect(again).not.toBe(token);
  });

  it('tokens are stored only as sha256 + prefix', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    expect(JSON.stringify(sim.admin.workspaces())).not.toContain(token);
    expect(sim.admin.workspace(IDS.a)!.liveTokens).toBe(1);
  });

  it('401 without a bearer', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/tokens`)).status).toBe(401);
  });
});

describe('GET /admin/workspaces/:id/test-token', () => {
  it('200 {auth_token, workspace_id} with the admin token', async () => {
    const sim = makeSim();
    await sim.admin.createWorkspace({ id: IDS.a });
    const r = await call(sim, 'GET', `/admin/workspaces/${IDS.a}/test-token`, { token: sim.adminToken });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ auth_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), workspace_id: IDS.a });
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token: r.json.auth_token })).status).toBe(
      200,
    );
  });

  it('401 admin auth required without / with a wrong admin token; open when ADMIN_TOKEN is unset', async () => {
    const sim = makeSim();
    await sim.admin.createWorkspace({ id: IDS.a });
    for (const token of [undefined, 'wrong']) {
      const r = await call(sim, 'GET', `/admin/workspaces/${IDS.a}/test-token`, token ? { token } : {});
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ error: 'admin auth required' });
    }
    const open = makeSim({ adminToken: false });
    await open.admin.createWorkspace({ id: IDS.a });
    expect((await call(open, 'GET', `/admin/workspaces/${IDS.a}/test-token`)).status).toBe(200);
  });

  it('404 workspace not found', async () => {
    const sim = makeSim();
    const r = await call(sim, 'GET', `/admin/workspaces/${IDS.unknown}/test-token`, {
      token: sim.adminToken,
    });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ error: 'workspace not found' });
  });
});

describe('POST /workspaces (AdminAuth)', () => {
  it('external with url: 201 {external,id,status:"online"}, no token; the first register mints it', async () => {
    const sim = makeSim();
    const r = await call(sim, 'POST', '/workspaces', {
      token: sim.adminToken,
      body: { name: 'remote', external: true, url: 'https://agent.example.com' },
    });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({
      external: true,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'online',
    });
    expect(sim.admin.workspace(r.json.id)).toMatchObject({ runtime: 'external', liveTokens: 0, tier: 3 });
    const token = await registerAgent(sim, r.json.id);
    expect(token).toHaveLength(43);
  });

  it('external without url: token minted at create in connection.auth_token, status awaiting_agent', async () => {
    const sim = makeSim();
    const r = await call(sim, 'POST', '/workspaces', {
      token: sim.adminToken,
      body: { name: 'remote', runtime: 'external' },
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ external: true, status: 'awaiting_agent' });
    const c = r.json.connection;
    expect(c).toMatchObject({
      workspace_id: r.json.id,
      platform_url: BASE,
      auth_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      registry_endpoint: `${BASE}/registry/register`,
      heartbeat_endpoint: `${BASE}/registry/heartbeat`,
    });
    expect(typeof c.curl_register_template).toBe('string');
    expect(typeof c.python_snippet).toBe('string');
    const state = await call(sim, 'GET', `/workspaces/${r.json.id}/state`, { token: c.auth_token });
    expect(state.json.status).toBe('awaiting_agent');
  });

  it('a non-external workspace: 201 provisioning', async () => {
    const sim = makeSim();
    const r = await call(sim, 'POST', '/workspaces', { token: sim.adminToken, body: { name: 'inside' } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ status: 'provisioning', workspace_access: 'none' });
  });

  it('400 invalid workspace payload / invalid workspace fields', async () => {
    const sim = makeSim();
    const bad = await call(sim, 'POST', '/workspaces', { token: sim.adminToken, body: { external: true } });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: 'invalid workspace payload' });
    const fields = await call(sim, 'POST', '/workspaces', {
      token: sim.adminToken,
      body: { name: '<script>' },
    });
    expect(fields.status).toBe(400);
    expect(fields.json).toEqual({ error: 'invalid workspace fields' });
  });

  it('401 admin auth required / invalid admin auth token; a workspace token is refused when ADMIN_TOKEN is set', async () => {
    const sim = makeSim();
    const wsToken = await registerAgent(sim, IDS.a);
    const none = await call(sim, 'POST', '/workspaces', { body: { name: 'x' } });
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ error: 'admin auth required' });
    const ws = await call(sim, 'POST', '/workspaces', { token: wsToken, body: { name: 'x' } });
    expect(ws.status).toBe(401);
    expect(ws.json).toEqual({ error: 'invalid admin auth token' });
  });

  it('without ADMIN_TOKEN: open while no token exists anywhere, then any workspace token', async () => {
    const sim = makeSim({ adminToken: false });
    expect((await call(sim, 'POST', '/workspaces', { body: { name: 'first' } })).status).toBe(201);
    const token = await registerAgent(sim, IDS.a);
    expect((await call(sim, 'POST', '/workspaces', { body: { name: 'x' } })).status).toBe(401);
    expect((await call(sim, 'POST', '/workspaces', { token, body: { name: 'x' } })).status).toBe(201);
  });

  it('500 failed to create workspace for an unknown parent', async () => {
    const sim = makeSim();
    const r = await call(sim, 'POST', '/workspaces', {
      token: sim.adminToken,
      body: { name: 'x', parent_id: IDS.unknown },
    });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: 'failed to create workspace' });
  });
});

describe('GET /health and unknown routes', () => {
  it('GET /health → 200 {"status":"ok"}', async () => {
    const r = await call(makeSim(), 'GET', '/health');
    expect(r.status).toBe(200);
    expect(r.text).toBe('{"status":"ok"}');
  });

  it('unknown route → 404 text/plain "404 page not found"; wrong method → 404 too', async () => {
    const sim = makeSim();
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', '/registry/register'],
      ['PUT', '/health'],
    ] as const) {
      const r = await call(sim, method, path);
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toBe('text/plain');
      expect(r.text).toBe('404 page not found');
    }
  });

  it('a trailing slash redirects like gin: 301 for GET, 307 for POST', async () => {
    const sim = makeSim();
    const get = await sim.fetch(new Request(`${BASE}/health/`, { redirect: 'manual' }));
    expect(get.status).toBe(301);
    expect(get.headers.get('location')).toBe('/health');
    const post = await sim.fetch(
      new Request(`${BASE}/registry/register/`, { method: 'POST', body: '{}', redirect: 'manual' }),
    );
    expect(post.status).toBe(307);
    expect(post.headers.get('location')).toBe('/registry/register');
  });
});
