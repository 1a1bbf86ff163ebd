import { describe, expect, it } from 'vitest';
import { call, IDS, makeSim, registerAgent } from '../helpers/sim.js';

describe('GET /workspaces/:id/state', () => {
  it('200 {workspace_id,status,paused,deleted} for a live workspace', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.text).toBe(`{"deleted":false,"paused":false,"status":"online","workspace_id":"${IDS.a}"}`);
  });

  it('paused: status paused, paused true, and the agent token keeps working', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    await sim.admin.pause(IDS.a);
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ workspace_id: IDS.a, status: 'paused', paused: true, deleted: false });
  });

  it('404 {workspace_id,deleted:true} when the row is gone (seen with the admin token)', async () => {
    const sim = makeSim();
    const r = await call(sim, 'GET', `/workspaces/${IDS.unknown}/state`, { token: sim.adminToken });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ workspace_id: IDS.unknown, deleted: true });
  });

  it('404 {workspace_id,status:"removed",deleted:true} for a deleted workspace (admin token)', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    await sim.admin.delete(IDS.a);
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token: sim.adminToken });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ workspace_id: IDS.a, status: 'removed', deleted: true });
  });

  it('401 invalid workspace auth token for the agent after delete (delete revokes tokens)', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    await sim.admin.delete(IDS.a);
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'invalid workspace auth token' });
  });

  it('401 missing workspace auth token without a bearer, even for a tokenless workspace (strict)', async () => {
    const sim = makeSim();
    await sim.admin.createWorkspace({ id: IDS.a, external: true, url: 'https://a.example.com' });
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/state`);
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'missing workspace auth token' });
  });

  it('401 for a token bound to another workspace', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    const other = await registerAgent(sim, IDS.b);
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token: other });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'invalid workspace auth token' });
  });

  it('dev mode without ADMIN_TOKEN accepts a request with no bearer; a wrong bearer still fails', async () => {
    const sim = makeSim({ devMode: true, adminToken: false });
    await registerAgent(sim, IDS.a);
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/state`)).status).toBe(200);
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/state`, { token: 'wrong' })).status).toBe(401);
    const withAdmin = makeSim({ devMode: true });
    await registerAgent(withAdmin, IDS.a);
    expect((await call(withAdmin, 'GET', `/workspaces/${IDS.a}/state`)).status).toBe(401);
  });

  it('500 auth check failed for a non-UUID id (admin token)', async () => {
    const sim = makeSim();
    const r = await call(sim, 'GET', '/workspaces/nope/state', { token: sim.adminToken });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: 'auth check failed' });
  });
});

describe('GET /workspaces/:id/secrets/values', () => {
  it('200 flat object: global secrets overlaid by workspace secrets', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    await sim.admin.setGlobalSecrets({ SHARED: 'g', OPENAI_API_KEY: 'sk-global' });
    await sim.admin.setSecrets(IDS.a, { OPENAI_API_KEY: 'sk-ws', OWN: '1' });
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/secrets/values`, { token });
    expect(r.status).toBe(200);
    expect(r.text).toBe('{"OPENAI_API_KEY":"sk-ws","OWN":"1","SHARED":"g"}');
  });

  it('200 {} when there are none', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/secrets/values`, { token });
    expect(r.status).toBe(200);
    expect(r.text).toBe('{}');
  });

  it('400 invalid workspace ID for an id that is not a lowercase UUID (admin token)', async () => {
    const sim = makeSim();
    for (const id of ['abc', IDS.a.toUpperCase()]) {
      const r = await call(sim, 'GET', `/workspaces/${id}/secrets/values`, { token: sim.adminToken });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ error: 'invalid workspace ID' });
    }
  });

  it('401 missing / invalid workspace auth token', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    const missing = await call(sim, 'GET', `/workspaces/${IDS.a}/secrets/values`);
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ error: 'missing workspace auth token' });
    const invalid = await call(sim, 'GET', `/workspaces/${IDS.a}/secrets/values`, { token: 'bad' });
    expect(invalid.status).toBe(401);
    expect(invalid.json).toEqual({ error: 'invalid workspace auth token' });
  });

  it('500 auth check failed when the datastore is down (admin token)', async () => {
    const sim = makeSim({
      faults: { rules: [{ path: '/workspaces/:id/secrets/values', fault: { type: 'datastore-down' } }] },
    });
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/secrets/values`, { token: sim.adminToken });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: 'auth check failed' });
  });

  it('503 platform_unavailable when the org-token lookup fails (datastore down, non-admin bearer)', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    sim.setFaults({ rules: [{ path: '/workspaces/:id/secrets/values', fault: { type: 'datastore-down' } }] });
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/secrets/values`, { token });
    expect(r.status).toBe(503);
    expect(r.json).toEqual({
      error: 'platform datastore unavailable — retry shortly',
      code: 'platform_unavailable',
    });
  });

  it('500 with failed_keys when a secret fails to decrypt', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    await sim.admin.setGlobalSecrets({ K: 'v' });
    await sim.admin.setSecrets(IDS.a, { K: 'w' });
    await sim.admin.corruptSecret('global', 'K');
    await sim.admin.corruptSecret(IDS.a, 'K');
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/secrets/values`, { token });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({
      error: 'one or more secrets failed to decrypt; refusing to return partial bundle',
      failed_keys: ['global:K', 'workspace:K'],
    });
  });
});
