import { describe, expect, it } from 'vitest';
import { BASE, call, fakeAgent, IDS, makeSim, registerAgent } from '../helpers/sim.js';

describe('sim.admin (JS)', () => {
  it('createWorkspace: external with/without url, parent, defaults', async () => {
    const sim = makeSim();
    const withUrl = await sim.admin.createWorkspace({
      id: IDS.a,
      external: true,
      url: 'https://a.example.com',
    });
    expect(withUrl).toEqual({ id: IDS.a });
    const noUrl = await sim.admin.createWorkspace({
      external: true,
      parentId: IDS.a,
      name: 'child',
      role: 'r',
    });
    expect(noUrl.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sim.admin.workspace(noUrl.id)).toMatchObject({
      name: 'child',
      role: 'r',
      parentId: IDS.a,
      status: 'awaiting_agent',
      runtime: 'external',
      liveTokens: 1,
    });
    const plain = await sim.admin.createWorkspace();
    expect(sim.admin.workspace(plain.id)).toMatchObject({
      runtime: 'langgraph',
      status: 'provisioning',
      tier: 3,
    });
    await expect(sim.admin.createWorkspace({ parentId: IDS.unknown })).rejects.toBeInstanceOf(RangeError);
    await expect(sim.admin.createWorkspace({ id: IDS.a })).rejects.toBeInstanceOf(RangeError);
  });

  it('pause cascades to descendants and clears URLs; resume → provisioning; delete cascades and revokes', async () => {
    const sim = makeSim();
    const parentToken = await registerAgent(sim, IDS.a);
    await sim.admin.createWorkspace({
      id: IDS.b,
      parentId: IDS.a,
      external: true,
      url: 'https://b.example.com',
    });
    await sim.admin.pause(IDS.a);
    expect([sim.admin.workspace(IDS.a)!.status, sim.admin.workspace(IDS.b)!.status]).toEqual([
      'paused',
      'paused',
    ]);
    expect(sim.admin.workspace(IDS.b)!.url).toBe('');
    await sim.admin.resume(IDS.a);
    expect(sim.admin.workspace(IDS.a)!.status).toBe('provisioning');
    await expect(sim.admin.resume(IDS.a)).rejects.toBeInstanceOf(RangeError);
    await sim.admin.delete(IDS.a);
    expect([sim.admin.workspace(IDS.a)!.status, sim.admin.workspace(IDS.b)!.status]).toEqual([
      'removed',
      'removed',
    ]);
    expect(sim.admin.workspace(IDS.a)!.liveTokens).toBe(0);
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token: parentToken })).status).toBe(401);
  });

  it('secrets: merge, null deletes, global overlaid by workspace', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    await sim.admin.setGlobalSecrets({ G: '1', X: 'g' });
    await sim.admin.setSecrets(IDS.a, { X: 'w', Y: 'y' });
    await sim.admin.setSecrets(IDS.a, { Y: null });
    await sim.admin.setGlobalSecrets({ G: null });
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/secrets/values`, { token })).json).toEqual({
      X: 'w',
    });
  });

  it('sendCanvasMessage goes through the proxy as the canvas and returns the reply; it is recorded', async () => {
    const agent = fakeAgent();
    const sim = makeSim({ pushFetch: agent.pushFetch });
    await registerAgent(sim, IDS.a);
    const r = await sim.admin.sendCanvasMessage(IDS.a, 'hello agent');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ result: { parts: [{ kind: 'text', text: 'echo: hello agent' }] } });
    expect(agent.received[0]!.body.params.message.parts).toEqual([{ kind: 'text', text: 'hello agent' }]);
    const rec = sim.requests.at(-1)!;
    expect(rec).toMatchObject({
      method: 'POST',
      path: `/workspaces/${IDS.a}/a2a`,
      ip: 'canvas',
      status: 200,
    });
    expect(rec.headers['x-workspace-id']).toBeUndefined();
    expect(sim.admin.activity(IDS.a)[0]).toMatchObject({ source_id: null });
  });

  it('sendCanvasMessage carries the org header when TenantGuard is on', async () => {
    const sim = makeSim({ orgId: 'org-1', pushFetch: fakeAgent().pushFetch });
    await registerAgent(sim, IDS.a);
    expect((await sim.admin.sendCanvasMessage(IDS.a, 'x')).status).toBe(200);
  });

  it('notifications, activity (oldest first), queue, pruneActivity, setStatus, mintToken', async () => {
    const sim = makeSim({ pushFetch: () => Promise.reject(new Error('EOF')) });
    const token = await registerAgent(sim, IDS.a);
    await call(sim, 'POST', `/workspaces/${IDS.a}/notify`, { token, body: { message: 'one' } });
    await call(sim, 'POST', `/workspaces/${IDS.a}/notify`, { token, body: { message: 'two' } });
    expect(sim.admin.notifications(IDS.a).map((n) => n.message)).toEqual(['one', 'two']);
    expect(sim.admin.activity(IDS.a).map((r) => r.response_body)).toEqual([
      { result: 'one' },
      { result: 'two' },
    ]);
    await sim.admin.sendCanvasMessage(IDS.a, 'busy?');
    expect(sim.admin.queue(IDS.a)).toMatchObject([{ callerId: '', attempts: 0 }]);
    expect(sim.admin.workspace(IDS.a)!.queueDepth).toBe(1);
    expect(await sim.admin.pruneActivity(IDS.a)).toBe(3);
    await sim.admin.setStatus(IDS.a, 'failed');
    expect(sim.admin.workspace(IDS.a)!.status).toBe('failed');
    const minted = await sim.admin.mintToken(IDS.a);
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token: minted })).json.status).toBe(
      'failed',
    );
  });

  it('unknown workspace ids throw RangeError; workspace() returns undefined', async () => {
    const sim = makeSim();
    expect(sim.admin.workspace(IDS.unknown)).toBeUndefined();
    await expect(sim.admin.pause(IDS.unknown)).rejects.toBeInstanceOf(RangeError);
    expect(() => sim.admin.activity(IDS.unknown)).toThrow(RangeError);
  });

  it('a seed makes ids and tokens reproducible', async () => {
    const run = async () => {
      const sim = makeSim({ seed: 99, adminToken: undefined });
      const { id, token } = await sim.admin.createWorkspace({ external: true });
      return [sim.adminToken, id, token];
    };
    expect(await run()).toEqual(await run());
  });
});

describe('/admin/sim/* over HTTP', () => {
  const admin = (sim: ReturnType<typeof makeSim>, method: string, path: string, body?: unknown) =>
    call(sim, method, `/admin/sim${path}`, {
      token: sim.adminToken,
      ...(body !== undefined ? { body } : {}),
    });

  it('401 without the admin token; open with adminToken: false', async () => {
    const sim = makeSim();
    expect((await call(sim, 'GET', '/admin/sim/workspaces')).status).toBe(401);
    expect((await call(sim, 'GET', '/admin/sim/workspaces', { token: 'nope' })).json).toEqual({
      error: 'admin auth required',
    });
    expect((await call(makeSim({ adminToken: false }), 'GET', '/admin/sim/workspaces')).status).toBe(200);
  });

  it('drives a full scenario: create, plugin, secrets, message, activity, pause, delete — and is not recorded', async () => {
    const agent = fakeAgent();
    const sim = makeSim({ pushFetch: agent.pushFetch });
    const created = await admin(sim, 'POST', '/workspaces', { id: IDS.a, external: true, name: 'remote' });
    expect(created.status).toBe(201);
    const token = created.json.token as string;
    expect(
      (
        await admin(sim, 'PUT', '/plugins/demo', {
          files: {
            'plugin.yaml': 'name: demo\n',
            'bin/x': { content: 'aGk=', encoding: 'base64', mode: 493 },
          },
        })
      ).status,
    ).toBe(200);
    expect((await admin(sim, 'PUT', `/workspaces/${IDS.a}/secrets`, { K: 'v' })).status).toBe(200);
    expect((await admin(sim, 'PUT', '/secrets', { G: 'g' })).status).toBe(200);
    await call(sim, 'POST', '/registry/register', {
      token,
      body: { id: IDS.a, url: 'https://a.example.com', agent_card: {} },
    });
    const msg = await admin(sim, 'POST', `/workspaces/${IDS.a}/messages`, { text: 'hi' });
    expect(msg.json).toMatchObject({ status: 200, body: { result: { parts: [{ text: 'echo: hi' }] } } });
    expect((await admin(sim, 'GET', `/workspaces/${IDS.a}/activity`)).json).toHaveLength(1);
    expect((await admin(sim, 'GET', `/workspaces/${IDS.a}`)).json).toMatchObject({
      name: 'remote',
      status: 'online',
    });
    expect((await admin(sim, 'GET', '/workspaces')).json).toHaveLength(1);
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/secrets/values`, { token })).json).toEqual({
      G: 'g',
      K: 'v',
    });
    const tar = await sim.fetch(
      new Request(`${BASE}/workspaces/${IDS.a}/plugins/demo/download`, {
        headers: { Authorization: `Bearer ${token}` },
      }),
    );
    expect(tar.status).toBe(200);
    expect((await admin(sim, 'POST', `/workspaces/${IDS.a}/pause`)).json).toEqual({ status: 'paused' });
    expect((await admin(sim, 'POST', `/workspaces/${IDS.a}/resume`)).json).toEqual({
      status: 'provisioning',
    });
    const minted = await admin(sim, 'POST', `/workspaces/${IDS.a}/tokens`);
    expect(minted.json.auth_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await call(sim, 'POST', `/workspaces/${IDS.a}/notify`, { token, body: { message: 'n' } });
    expect((await admin(sim, 'GET', `/workspaces/${IDS.a}/notifications`)).json).toMatchObject([
      { message: 'n' },
    ]);
    expect((await admin(sim, 'DELETE', `/workspaces/${IDS.a}`)).json).toEqual({ status: 'removed' });
    expect((await admin(sim, 'GET', `/workspaces/${IDS.unknown}`)).status).toBe(404);
    expect(sim.requests.some((r) => r.path.startsWith('/admin/sim'))).toBe(false);
    const recorded = await admin(sim, 'GET', '/requests');
    expect(recorded.json.length).toBe(sim.requests.length);
    expect((await admin(sim, 'DELETE', '/requests')).status).toBe(200);
    expect(sim.requests).toHaveLength(0);
  });

  it('faults and settle over HTTP; 400 for bad input; 404 for unknown admin routes', async () => {
    const sim = makeSim();
    expect(
      (
        await admin(sim, 'PUT', '/faults', {
          rules: [{ path: '/health', count: 1, fault: { type: 'status', status: 503 } }],
        })
      ).status,
    ).toBe(200);
    expect((await call(sim, 'GET', '/health')).status).toBe(503);
    expect((await admin(sim, 'POST', '/settle')).status).toBe(200);
    expect((await admin(sim, 'POST', `/workspaces/${IDS.unknown}/pause`)).status).toBe(400);
    expect(
      (await call(sim, 'POST', '/admin/sim/workspaces', { token: sim.adminToken, rawBody: '{bad' })).status,
    ).toBe(400);
    expect((await admin(sim, 'GET', '/nothing')).status).toBe(404);
  });
});

describe('sim.requests (observability)', () => {
  it('records method, path, query, headers (credentials redacted), body, JSON, ip, status and response headers', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    await call(sim, 'GET', `/workspaces/${IDS.a}/activity?type=a2a_receive&limit=5`, {
      token,
      headers: { Cookie: 'session=secret', 'X-Workspace-ID': IDS.a },
      ip: '192.0.2.44',
    });
    const [reg, act] = sim.requests;
    expect(reg).toMatchObject({ seq: 1, method: 'POST', path: '/registry/register', status: 200 });
    expect(reg!.json).toMatchObject({ id: IDS.a });
    expect(act).toMatchObject({
      seq: 2,
      method: 'GET',
      path: `/workspaces/${IDS.a}/activity`,
      query: { type: 'a2a_receive', limit: '5' },
      rawQuery: 'type=a2a_receive&limit=5',
      ip: '192.0.2.44',
      status: 200,
      body: '',
    });
    expect(act!.headers.authorization).toBe('Bearer [redacted]');
    expect(act!.headers.cookie).toBe('[redacted]');
    expect(act!.headers['x-workspace-id']).toBe(IDS.a);
    expect(act!.responseHeaders['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.stringify(sim.requests)).not.toContain(token);
    sim.clearRequests();
    expect(sim.requests).toHaveLength(0);
  });
});
