import { describe, expect, it } from 'vitest';
import type { PlatformSim } from '../../src/index.js';
import { call, IDS, makeSim, registerAgent } from '../helpers/sim.js';

/** root A (registered), root B, C child of A, D child of C, E child of B. */
async function tree(sim: PlatformSim): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  tokens.a = await registerAgent(sim, IDS.a, 'https://a.example.com');
  await sim.admin.createWorkspace({
    id: IDS.b,
    name: 'Beta',
    role: 'reviewer',
    external: true,
    url: 'https://b.example.com',
  });
  tokens.c = (await sim.admin.createWorkspace({ id: IDS.c, name: 'Gamma', parentId: IDS.a, external: true }))
    .token!;
  await sim.admin.createWorkspace({ id: IDS.d, name: 'Delta', parentId: IDS.c });
  await sim.admin.createWorkspace({ id: IDS.e, name: 'Epsilon', parentId: IDS.b });
  return tokens;
}

describe('GET /registry/:id/peers', () => {
  it('200 array for a root: every other root, then its children; full field set', async () => {
    const sim = makeSim();
    const { a } = await tree(sim);
    const r = await call(sim, 'GET', `/registry/${IDS.a}/peers`, { token: a });
    expect(r.status).toBe(200);
    expect(r.json.map((p: { id: string }) => p.id)).toEqual([IDS.b, IDS.c]);
    expect(r.json[0]).toEqual({
      active_tasks: 0,
      agent_card: null,
      id: IDS.b,
      name: 'Beta',
      parent_id: null,
      role: 'reviewer',
      status: 'online',
      tier: 3,
      url: 'https://b.example.com',
    });
    expect(Object.keys(r.json[0])).toEqual([
      'active_tasks',
      'agent_card',
      'id',
      'name',
      'parent_id',
      'role',
      'status',
      'tier',
      'url',
    ]);
  });

  it('siblings, children then parent for a nested workspace; deeper levels are not listed', async () => {
    const sim = makeSim();
    const { c } = await tree(sim);
    const r = await call(sim, 'GET', `/registry/${IDS.c}/peers`, { token: c });
    expect(r.status).toBe(200);
    expect(r.json.map((p: { id: string }) => p.id)).toEqual([IDS.d, IDS.a]);
  });

  it('q filters by name or role, case-insensitively; removed workspaces are left out', async () => {
    const sim = makeSim();
    const { a } = await tree(sim);
    expect((await call(sim, 'GET', `/registry/${IDS.a}/peers?q=REVIEW`, { token: a })).json).toHaveLength(1);
    expect((await call(sim, 'GET', `/registry/${IDS.a}/peers?q=gam`, { token: a })).json[0].id).toBe(IDS.c);
    await sim.admin.delete(IDS.b);
    const r = await call(sim, 'GET', `/registry/${IDS.a}/peers`, { token: a });
    expect(r.json.map((p: { id: string }) => p.id)).toEqual([IDS.c]);
  });

  it('200 [] (never null) when there are no peers', async () => {
    const sim = makeSim();
    const a = await registerAgent(sim, IDS.a);
    const r = await call(sim, 'GET', `/registry/${IDS.a}/peers`, { token: a });
    expect(r.status).toBe(200);
    expect(r.text).toBe('[]');
  });

  it('401 missing / invalid token (the caller is the path, X-Workspace-ID is ignored)', async () => {
    const sim = makeSim();
    const { a } = await tree(sim);
    const missing = await call(sim, 'GET', `/registry/${IDS.a}/peers`, {
      headers: { 'X-Workspace-ID': IDS.c },
    });
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ error: 'missing workspace auth token' });
    const b = await sim.admin.mintToken(IDS.b);
    const invalid = await call(sim, 'GET', `/registry/${IDS.a}/peers`, { token: b });
    expect(invalid.status).toBe(401);
    expect(invalid.json).toEqual({ error: 'invalid workspace auth token' });
    expect((await call(sim, 'GET', `/registry/${IDS.a}/peers`, { token: a })).status).toBe(200);
  });

  it('the dev fail-open (dev mode, no ADMIN_TOKEN) lets any caller list peers; dev mode alone does not', async () => {
    const open = makeSim({ devMode: true, adminToken: false });
    await tree(open);
    expect((await call(open, 'GET', `/registry/${IDS.a}/peers`)).status).toBe(200);
    const strict = makeSim({ devMode: true });
    await tree(strict);
    expect((await call(strict, 'GET', `/registry/${IDS.a}/peers`)).status).toBe(401);
  });

  it('404 workspace not found for an unknown workspace; a removed caller still gets its list', async () => {
    const sim = makeSim();
    const r = await call(sim, 'GET', `/registry/${IDS.unknown}/peers`);
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ error: 'workspace not found' });
    await tree(sim);
    await sim.admin.delete(IDS.c);
    const removed = await call(sim, 'GET', `/registry/${IDS.c}/peers`);
    expect(removed.status).toBe(200);
    expect(removed.json.map((p: { id: string }) => p.id)).toEqual([IDS.a]);
  });

  it('500 lookup failed for a non-UUID id', async () => {
    const r = await call(makeSim(), 'GET', '/registry/xyz/peers');
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: 'lookup failed' });
  });
});

describe('GET /registry/discover/:id', () => {
  it('200 {id,url,name} only, for an external target with a URL', async () => {
    const sim = makeSim();
    const { a } = await tree(sim);
    const r = await call(sim, 'GET', `/registry/discover/${IDS.b}`, {
      token: a,
      headers: { 'X-Workspace-ID': IDS.a },
    });
    expect(r.status).toBe(200);
    expect(r.text).toBe(`{"id":"${IDS.b}","name":"Beta","url":"https://b.example.com"}`);
  });

  it('returns the URL reported at register (internal URL cache) for a non-external target', async () => {
    const sim = makeSim();
    await tree(sim);
    const b = await sim.admin.mintToken(IDS.b);
    const r = await call(sim, 'GET', `/registry/discover/${IDS.a}`, {
      token: b,
      headers: { 'X-Workspace-ID': IDS.b },
    });
    expect(r.json).toEqual({ id: IDS.a, name: IDS.a, url: 'https://a.example.com' });
  });

  it('synthesises http://ws-<id12>:8000 once the cache expired for an online non-external target', async () => {
    let now = 5_000_000;
    const sim = makeSim({ clock: { now: () => now } });
    const a = await registerAgent(sim, IDS.a);
    await sim.admin.createWorkspace({ id: IDS.b, external: true, url: 'https://b.example.com' });
    const b = await sim.admin.mintToken(IDS.b);
    now += 250_000;
    await call(sim, 'POST', '/registry/heartbeat', { token: a, body: { workspace_id: IDS.a } });
    now += 51_000;
    const r = await call(sim, 'GET', `/registry/discover/${IDS.a}`, {
      token: b,
      headers: { 'X-Workspace-ID': IDS.b },
    });
    expect(r.json.url).toBe(`http://ws-${IDS.a.slice(0, 12)}:8000`);
  });

  it('rewrites localhost to host.docker.internal for non-external callers (then fails the safety check)', async () => {
    const sim = makeSim();
    await sim.admin.createWorkspace({ id: IDS.b, external: true, url: 'http://localhost:9001' });
    await sim.admin.createWorkspace({ id: IDS.c, external: true, url: 'https://c.example.com' });
    const a = await registerAgent(sim, IDS.a);
    const r = await call(sim, 'GET', `/registry/discover/${IDS.b}`, {
      token: a,
      headers: { 'X-Workspace-ID': IDS.a },
    });
    expect(r.status).toBe(503);
    expect(r.json).toEqual({ error: 'workspace URL failed safety check' });
    const dev = makeSim({ devMode: true, adminToken: false });
    await dev.admin.createWorkspace({ id: IDS.b, external: true, url: 'http://localhost:9001' });
    await dev.admin.createWorkspace({ id: IDS.c, external: true, url: 'https://c.example.com' });
    await registerAgent(dev, IDS.a);
    const fromLanggraph = await call(dev, 'GET', `/registry/discover/${IDS.b}`, {
      headers: { 'X-Workspace-ID': IDS.a },
    });
    expect(fromLanggraph.json.url).toBe('http://host.docker.internal:9001');
    const fromExternal = await call(dev, 'GET', `/registry/discover/${IDS.b}`, {
      headers: { 'X-Workspace-ID': IDS.c },
    });
    expect(fromExternal.json.url).toBe('http://localhost:9001');
  });

  it('400 X-Workspace-ID header is required', async () => {
    const sim = makeSim();
    await tree(sim);
    const r = await call(sim, 'GET', `/registry/discover/${IDS.b}`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'X-Workspace-ID header is required' });
  });

  it('401 missing / invalid token bound to the caller', async () => {
    const sim = makeSim();
    await tree(sim);
    const r = await call(sim, 'GET', `/registry/discover/${IDS.b}`, { headers: { 'X-Workspace-ID': IDS.a } });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'missing workspace auth token' });
    const bad = await call(sim, 'GET', `/registry/discover/${IDS.b}`, {
      token: 'zzz',
      headers: { 'X-Workspace-ID': IDS.a },
    });
    expect(bad.json).toEqual({ error: 'invalid workspace auth token' });
  });

  it('403 when CanCommunicate refuses, including an unknown target or caller', async () => {
    const sim = makeSim();
    const { a } = await tree(sim);
    for (const target of [IDS.e, IDS.unknown]) {
      const r = await call(sim, 'GET', `/registry/discover/${target}`, {
        token: a,
        headers: { 'X-Workspace-ID': IDS.a },
      });
      expect(r.status).toBe(403);
      expect(r.json).toEqual({ error: 'not authorized to discover this workspace' });
    }
    const unknownCaller = await call(sim, 'GET', `/registry/discover/${IDS.a}`, {
      headers: { 'X-Workspace-ID': IDS.unknown },
    });
    expect(unknownCaller.status).toBe(403);
  });

  it('ancestor ↔ descendant at any depth may discover each other', async () => {
    const sim = makeSim({ devMode: true, adminToken: false });
    await tree(sim);
    await call(sim, 'POST', '/registry/heartbeat', { body: { workspace_id: IDS.d } });
    const r = await call(sim, 'GET', `/registry/discover/${IDS.d}`, { headers: { 'X-Workspace-ID': IDS.a } });
    expect(r.status).toBe(200);
  });

  it('503 workspace not available with its status when nothing resolves', async () => {
    const sim = makeSim({ devMode: true, adminToken: false });
    await tree(sim);
    const r = await call(sim, 'GET', `/registry/discover/${IDS.d}`, { headers: { 'X-Workspace-ID': IDS.c } });
    expect(r.status).toBe(503);
    expect(r.json).toEqual({ error: 'workspace not available', status: 'provisioning' });
  });
});
