import { describe, expect, it } from 'vitest';
import { BASE, call, fakeAgent, IDS, makeSim, refused, registerAgent } from '../helpers/sim.js';

const DELEGATE = `/workspaces/${IDS.a}/delegate`;

describe('POST /workspaces/:id/delegate', () => {
  it('202 delegated, then dispatched through the proxy with parts type:"text" and the delegation metadata', async () => {
    const agent = fakeAgent();
    const sim = makeSim({ pushFetch: agent.pushFetch });
    const a = await registerAgent(sim, IDS.a);
    await registerAgent(sim, IDS.b);
    const r = await call(sim, 'POST', DELEGATE, {
      token: a,
      body: { target_id: IDS.b, task: 'summarise <x>' },
    });
    expect(r.status).toBe(202);
    expect(r.json).toEqual({
      delegation_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'delegated',
      target_id: IDS.b,
    });
    await sim.settle();
    const pushed = agent.received[0]!.body;
    expect(pushed).toMatchObject({
      jsonrpc: '2.0',
      method: 'message/send',
      params: {
        message: {
          role: 'user',
          messageId: r.json.delegation_id,
          parts: [{ type: 'text', text: 'summarise <x>' }],
          metadata: { delegation_id: r.json.delegation_id },
        },
      },
    });
    // the target sees an a2a_receive row with the source as caller
    expect(sim.admin.activity(IDS.b)[0]).toMatchObject({ source_id: IDS.a, status: 'ok' });
    // the source gets delegate (completed) + delegate_result rows
    const rows = sim.admin.activity(IDS.a);
    expect(rows.map((row) => [row.method, row.status])).toEqual([
      ['delegate', 'completed'],
      ['delegate_result', 'completed'],
    ]);
    expect(rows[0]!.request_body).toEqual({ task: 'summarise <x>', delegation_id: r.json.delegation_id });
    expect(rows[1]!.response_body).toEqual({
      text: 'echo: summarise <x>',
      delegation_id: r.json.delegation_id,
    });
  });

  it('a forbidden target is not a 403: the delegation fails asynchronously', async () => {
    const sim = makeSim({ pushFetch: fakeAgent().pushFetch });
    const a = await registerAgent(sim, IDS.a);
    await sim.admin.createWorkspace({ id: IDS.b, external: true, url: 'https://b.example.com' });
    await sim.admin.createWorkspace({
      id: IDS.c,
      parentId: IDS.b,
      external: true,
      url: 'https://c.example.com',
    });
    const r = await call(sim, 'POST', DELEGATE, { token: a, body: { target_id: IDS.c, task: 't' } });
    expect(r.status).toBe(202);
    await sim.settle();
    const rows = sim.admin.activity(IDS.a);
    expect(rows.map((row) => [row.method, row.status])).toEqual([
      ['delegate', 'failed'],
      ['delegate_result', 'failed'],
    ]);
    expect(rows[1]!.error_detail).toBe('access denied: workspaces cannot communicate per hierarchy rules');
  });

  it('retries once after a transient failure (delay configurable), then fails', async () => {
    let calls = 0;
    const sim = makeSim({
      delegationRetryDelayMs: 1,
      pushFetch: () => {
        calls++;
        return Promise.reject(refused());
      },
    });
    const a = await registerAgent(sim, IDS.a);
    await registerAgent(sim, IDS.b);
    await call(sim, 'POST', DELEGATE, { token: a, body: { target_id: IDS.b, task: 't' } });
    await sim.settle();
    expect(calls).toBe(2);
    expect(sim.admin.activity(IDS.a)[1]).toMatchObject({
      status: 'failed',
      error_detail: 'failed to reach workspace agent',
    });
  });

  it('200 idempotent_hit with the existing delegation for a repeated key (no time window)', async () => {
    const sim = makeSim({ pushFetch: fakeAgent().pushFetch });
    const a = await registerAgent(sim, IDS.a);
    await registerAgent(sim, IDS.b);
    const first = await call(sim, 'POST', DELEGATE, {
      token: a,
      body: { target_id: IDS.b, task: 't', idempotency_key: 'k1' },
    });
    await sim.settle();
    const again = await call(sim, 'POST', DELEGATE, {
      token: a,
      body: { target_id: IDS.b, task: 'other', idempotency_key: 'k1' },
    });
    expect(again.status).toBe(200);
    expect(again.json).toEqual({
      delegation_id: first.json.delegation_id,
      status: 'completed',
      target_id: IDS.b,
      idempotent_hit: true,
    });
  });

  it('a failed delegation releases its key: the retry creates a new delegation (202)', async () => {
    let ok = false;
    const agent = fakeAgent((_req, body) => {
      if (!ok) throw refused();
      return Response.json({ id: body.id, result: { parts: [{ kind: 'text', text: 'done' }] } });
    });
    const sim = makeSim({ pushFetch: agent.pushFetch, delegationRetryDelayMs: 0 });
    const a = await registerAgent(sim, IDS.a);
    await registerAgent(sim, IDS.b);
    const first = await call(sim, 'POST', DELEGATE, {
      token: a,
      body: { target_id: IDS.b, task: 't', idempotency_key: 'k' },
    });
    await sim.settle();
    ok = true;
    const retry = await call(sim, 'POST', DELEGATE, {
      token: a,
      body: { target_id: IDS.b, task: 't', idempotency_key: 'k' },
    });
    expect(retry.status).toBe(202);
    expect(retry.json.delegation_id).not.toBe(first.json.delegation_id);
  });

  it('a busy target queues the delegation (status queued) and completes it on drain', async () => {
    let busy = true;
    const agent = fakeAgent((_req, body) => {
      if (busy) throw Object.assign(new Error('read: connection reset by peer'), {});
      return Response.json({ id: body.id, result: { parts: [{ kind: 'text', text: 'later' }] } });
    });
    const sim = makeSim({ pushFetch: agent.pushFetch });
    const a = await registerAgent(sim, IDS.a);
    const b = await registerAgent(sim, IDS.b);
    const r = await call(sim, 'POST', DELEGATE, {
      token: a,
      body: { target_id: IDS.b, task: 't', idempotency_key: 'q' },
    });
    await sim.settle();
    const hit = await call(sim, 'POST', DELEGATE, {
      token: a,
      body: { target_id: IDS.b, task: 't', idempotency_key: 'q' },
    });
    expect(hit.json).toMatchObject({
      status: 'queued',
      idempotent_hit: true,
      delegation_id: r.json.delegation_id,
    });
    busy = false;
    await call(sim, 'POST', '/registry/heartbeat', {
      token: b,
      body: { workspace_id: IDS.b, active_tasks: 0 },
    });
    await sim.settle();
    expect(sim.admin.activity(IDS.a).map((row) => [row.method, row.status])).toEqual([
      ['delegate', 'completed'],
      ['delegate_result', 'completed'],
    ]);
  });

  it('400 invalid delegation request / target_id must be a valid UUID / self-delegation not permitted', async () => {
    const sim = makeSim();
    const a = await registerAgent(sim, IDS.a);
    const cases: Array<[unknown, string]> = [
      [{ task: 't' }, 'invalid delegation request'],
      [{ target_id: IDS.b }, 'invalid delegation request'],
      [{ target_id: 'b', task: 't' }, 'target_id must be a valid UUID'],
      [{ target_id: IDS.a, task: 't' }, 'self-delegation not permitted'],
    ];
    for (const [body, error] of cases) {
      const r = await call(sim, 'POST', DELEGATE, { token: a, body });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ error });
    }
  });

  it("401: the bearer must be the SOURCE's token (the Python SDK's target-path call fails)", async () => {
    const sim = makeSim();
    const a = await registerAgent(sim, IDS.a);
    await registerAgent(sim, IDS.b);
    const r = await call(sim, 'POST', `/workspaces/${IDS.b}/delegate`, {
      token: a,
      body: { task: 't', idempotency_key: 'k' },
    });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: 'invalid workspace auth token' });
    const admin = await call(sim, 'POST', `/workspaces/${IDS.b}/delegate`, {
      token: sim.adminToken,
      body: { task: 't' },
    });
    expect(admin.status).toBe(400);
  });

  it('202 with a tracking warning when the delegation row cannot be stored', async () => {
    const sim = makeSim({
      faults: { rules: [{ path: '/workspaces/:id/delegate', fault: { type: 'datastore-down' } }] },
    });
    const r = await call(sim, 'POST', DELEGATE, {
      token: sim.adminToken,
      body: { target_id: IDS.b, task: 't' },
    });
    expect(r.status).toBe(202);
    expect(r.json.warning).toBe('delegation dispatched but status tracking unavailable');
  });

  it("registers the background work with the host's waitUntil (Workers)", async () => {
    const sim = makeSim({ pushFetch: fakeAgent().pushFetch });
    const a = await registerAgent(sim, IDS.a);
    await registerAgent(sim, IDS.b);
    const waited: Array<Promise<unknown>> = [];
    const res = await sim.fetch(
      new Request(`${BASE}${DELEGATE}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${a}` },
        body: JSON.stringify({ target_id: IDS.b, task: 't' }),
      }),
      { waitUntil: (p) => waited.push(p) },
    );
    expect(res.status).toBe(202);
    expect(waited).toHaveLength(1);
    await Promise.all(waited);
    expect(sim.admin.activity(IDS.a).map((row) => row.status)).toEqual(['completed', 'completed']);
  });
});
