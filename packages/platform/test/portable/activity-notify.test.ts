import { describe, expect, it } from 'vitest';
import type { PlatformSim } from '../../src/index.js';
import { call, fakeAgent, IDS, makeSim, messageBody, registerAgent } from '../helpers/sim.js';

async function withMessages(
  opts: Parameters<typeof makeSim>[0] = {},
  n = 3,
): Promise<{ sim: PlatformSim; token: string }> {
  const sim = makeSim({ pushFetch: fakeAgent().pushFetch, ...opts });
  const token = await registerAgent(sim, IDS.a);
  for (let i = 1; i <= n; i++)
    await call(sim, 'POST', `/workspaces/${IDS.a}/a2a`, { body: messageBody(`m${i}`) });
  return { sim, token };
}

const texts = (rows: Array<{ request_body?: { params: { message: { parts: Array<{ text: string }> } } } }>) =>
  rows.map((r) => r.request_body?.params.message.parts[0]?.text);

describe("GET /workspaces/:id/activity — the server's feed (default)", () => {
  it('200 array, newest first, rows in the server shape (no data/type/ts fields)', async () => {
    const { sim, token } = await withMessages();
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/activity?type=a2a_receive`, { token });
    expect(r.status).toBe(200);
    expect(texts(r.json)).toEqual(['m3', 'm2', 'm1']);
    const row = r.json[0];
    expect(Object.keys(row)).toEqual([
      'activity_type',
      'created_at',
      'duration_ms',
      'error_detail',
      'id',
      'method',
      'request_body',
      'response_body',
      'source_id',
      'status',
      'summary',
      'target_id',
      'workspace_id',
    ]);
    expect(row.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/);
    expect(row).not.toHaveProperty('data');
  });

  it('ignores since_id, peer_id and before_ts (no cursor, no 410)', async () => {
    const { sim, token } = await withMessages();
    const all = await call(sim, 'GET', `/workspaces/${IDS.a}/activity`, { token });
    const r = await call(
      sim,
      'GET',
      `/workspaces/${IDS.a}/activity?since_id=${IDS.unknown}&peer_id=${IDS.b}&before_ts=2000-01-01T00:00:00Z`,
      { token },
    );
    expect(r.status).toBe(200);
    expect(r.json).toEqual(all.json);
  });

  it('limit: default 100, ≤0 or junk → 100, capped at 500, newest rows kept', async () => {
    const { sim, token } = await withMessages({}, 3);
    expect(texts((await call(sim, 'GET', `/workspaces/${IDS.a}/activity?limit=2`, { token })).json)).toEqual([
      'm3',
      'm2',
    ]);
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/activity?limit=0`, { token })).json).toHaveLength(3);
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/activity?limit=abc`, { token })).json).toHaveLength(
      3,
    );
    const big = makeSim({ pushFetch: fakeAgent().pushFetch });
    const t = await registerAgent(big, IDS.a);
    for (let i = 0; i < 505; i++)
      await call(big, 'POST', `/workspaces/${IDS.a}/notify`, { token: t, body: { message: `n${i}` } });
    expect(
      (await call(big, 'GET', `/workspaces/${IDS.a}/activity?limit=1000`, { token: t })).json,
    ).toHaveLength(500);
    expect((await call(big, 'GET', `/workspaces/${IDS.a}/activity`, { token: t })).json).toHaveLength(100);
  });

  it('type filter and source=canvas|agent', async () => {
    const sim = makeSim({ pushFetch: fakeAgent().pushFetch });
    const a = await registerAgent(sim, IDS.a);
    const b = await registerAgent(sim, IDS.b);
    await call(sim, 'POST', `/workspaces/${IDS.a}/a2a`, { body: messageBody('from canvas') });
    await call(sim, 'POST', `/workspaces/${IDS.a}/a2a`, {
      token: b,
      headers: { 'X-Workspace-ID': IDS.b },
      body: messageBody('from b'),
    });
    await call(sim, 'POST', `/workspaces/${IDS.a}/delegate`, {
      token: a,
      body: { target_id: IDS.b, task: 't' },
    });
    await sim.settle();
    const canvas = await call(sim, 'GET', `/workspaces/${IDS.a}/activity?type=a2a_receive&source=canvas`, {
      token: a,
    });
    expect(texts(canvas.json)).toEqual(['from canvas']);
    const agent = await call(sim, 'GET', `/workspaces/${IDS.a}/activity?type=a2a_receive&source=agent`, {
      token: a,
    });
    expect(texts(agent.json)).toEqual(['from b']);
    const deleg = await call(sim, 'GET', `/workspaces/${IDS.a}/activity?type=delegation`, { token: a });
    expect(deleg.json.map((r: { method: string }) => r.method)).toEqual(['delegate_result', 'delegate']);
  });

  it("400 source must be 'canvas' or 'agent'", async () => {
    const { sim, token } = await withMessages({}, 0);
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/activity?source=user`, { token });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: "source must be 'canvas' or 'agent'" });
  });

  it('200 [] when empty; 401 without a bearer; 500 query failed for a non-UUID id', async () => {
    const { sim, token } = await withMessages({}, 0);
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/activity`, { token })).text).toBe('[]');
    const missing = await call(sim, 'GET', `/workspaces/${IDS.a}/activity`);
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ error: 'missing workspace auth token' });
    const bad = await call(sim, 'GET', '/workspaces/zzz/activity', { token: sim.adminToken });
    expect(bad.status).toBe(500);
    expect(bad.json).toEqual({ error: 'query failed' });
  });
});

describe("GET /workspaces/:id/activity — activityFeed: 'cursor'", () => {
  it('oldest first; since_id is an exclusive cursor', async () => {
    const { sim, token } = await withMessages({ activityFeed: 'cursor' });
    const first = await call(sim, 'GET', `/workspaces/${IDS.a}/activity?type=a2a_receive&limit=2`, { token });
    expect(texts(first.json)).toEqual(['m1', 'm2']);
    const next = await call(
      sim,
      'GET',
      `/workspaces/${IDS.a}/activity?type=a2a_receive&since_id=${first.json[1].id}`,
      { token },
    );
    expect(texts(next.json)).toEqual(['m3']);
    const none = await call(sim, 'GET', `/workspaces/${IDS.a}/activity?since_id=${next.json[0].id}`, {
      token,
    });
    expect(none.text).toBe('[]');
  });

  it('410 when the since_id row is gone (retention) or unknown', async () => {
    const { sim, token } = await withMessages({ activityFeed: 'cursor' });
    const rows = (await call(sim, 'GET', `/workspaces/${IDS.a}/activity`, { token })).json;
    await sim.admin.pruneActivity(IDS.a);
    for (const cursor of [rows[0].id, IDS.unknown, 'not-a-uuid']) {
      const r = await call(sim, 'GET', `/workspaces/${IDS.a}/activity?since_id=${cursor}`, { token });
      expect(r.status).toBe(410);
      expect(r.json.error).toEqual(expect.any(String));
    }
  });

  it('peer_id and before_ts filter; rows keep the server shape (request_body, no data envelope)', async () => {
    let now = Date.UTC(2026, 0, 1);
    const sim = makeSim({
      activityFeed: 'cursor',
      pushFetch: fakeAgent().pushFetch,
      clock: { now: () => now },
    });
    const a = await registerAgent(sim, IDS.a);
    const b = await registerAgent(sim, IDS.b);
    await call(sim, 'POST', `/workspaces/${IDS.a}/a2a`, { body: messageBody('canvas') });
    now += 1000;
    await call(sim, 'POST', `/workspaces/${IDS.a}/a2a`, {
      token: b,
      headers: { 'X-Workspace-ID': IDS.b },
      body: messageBody('peer'),
    });
    const peer = await call(sim, 'GET', `/workspaces/${IDS.a}/activity?peer_id=${IDS.b}`, { token: a });
    expect(texts(peer.json)).toEqual(['peer']);
    expect(peer.json[0]).not.toHaveProperty('data');
    const before = await call(sim, 'GET', `/workspaces/${IDS.a}/activity?before_ts=2026-01-01T00:00:00.5Z`, {
      token: a,
    });
    expect(texts(before.json)).toEqual(['canvas']);
    const bad = await call(sim, 'GET', `/workspaces/${IDS.a}/activity?before_ts=yesterday`, { token: a });
    expect(bad.status).toBe(400);
  });
});

describe('POST /workspaces/:id/notify', () => {
  it('200 {"status":"sent"}; writes the a2a_receive/notify row (source_id null, response_body.result)', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', `/workspaces/${IDS.a}/notify`, {
      token,
      body: { message: 'working on it' },
    });
    expect(r.status).toBe(200);
    expect(r.text).toBe('{"status":"sent"}');
    const row = sim.admin.activity(IDS.a)[0]!;
    expect(row).toMatchObject({
      activity_type: 'a2a_receive',
      method: 'notify',
      source_id: null,
      status: 'ok',
    });
    expect(row).not.toHaveProperty('request_body');
    expect(row.response_body).toEqual({ result: 'working on it' });
    expect(sim.admin.notifications(IDS.a)).toMatchObject([{ message: 'working on it', attachments: [] }]);
  });

  it('attachments become file parts', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    const att = {
      uri: 'https://files.example.com/r.pdf',
      name: 'r.pdf',
      mimeType: 'application/pdf',
      size: 12,
    };
    await call(sim, 'POST', `/workspaces/${IDS.a}/notify`, {
      token,
      body: { message: 'report', attachments: [att] },
    });
    expect(sim.admin.activity(IDS.a)[0]!.response_body).toEqual({
      result: 'report',
      parts: [{ kind: 'file', file: att }],
    });
  });

  it('400 message is required: missing, empty, bad JSON or a wrong type', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    for (const rawBody of [
      '{}',
      '{"message":""}',
      '{bad',
      '{"message":5}',
      '{"message":"x","attachments":{}}',
    ]) {
      const r = await call(sim, 'POST', `/workspaces/${IDS.a}/notify`, { token, rawBody });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ error: 'message is required' });
    }
  });

  it('400 attachment[i]: uri and name are required', async () => {
    const sim = makeSim();
    const token = await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', `/workspaces/${IDS.a}/notify`, {
      token,
      body: { message: 'x', attachments: [{ uri: 'u', name: 'n' }, { uri: 'u' }] },
    });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'attachment[1]: uri and name are required' });
  });

  it('404 workspace not found for a missing or removed workspace (admin token)', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    await sim.admin.delete(IDS.a);
    for (const id of [IDS.a, IDS.unknown]) {
      const r = await call(sim, 'POST', `/workspaces/${id}/notify`, {
        token: sim.adminToken,
        body: { message: 'x' },
      });
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ error: 'workspace not found' });
    }
  });

  it('401 from the middleware', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', `/workspaces/${IDS.a}/notify`, { body: { message: 'x' } });
    expect(r.status).toBe(401);
  });
});
