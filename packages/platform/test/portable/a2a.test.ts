import { describe, expect, it } from 'vitest';
import { call, fakeAgent, IDS, makeSim, messageBody, refused, registerAgent } from '../helpers/sim.js';

const A2A = (id: string) => `/workspaces/${id}/a2a`;

function busyError(): Error {
  return Object.assign(new TypeError('fetch failed'), {
    cause: { code: 'UND_ERR_SOCKET', message: 'other side closed' },
  });
}

describe('POST /workspaces/:id/a2a — success and normalisation', () => {
  it("relays the agent's 2xx body verbatim with Content-Type forced to application/json", async () => {
    const agent = fakeAgent(
      () =>
        new Response('{"jsonrpc":"2.0","id":1,"result":{"ok":true}}', {
          headers: { 'Content-Type': 'text/plain' },
        }),
    );
    const sim = makeSim({ pushFetch: agent.pushFetch });
    await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('hi') });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.text).toBe('{"jsonrpc":"2.0","id":1,"result":{"ok":true}}');
  });

  it('relays a JSON-RPC error object sent with HTTP 200 as a 200', async () => {
    const agent = fakeAgent(() =>
      Response.json({ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'nope' } }),
    );
    const sim = makeSim({ pushFetch: agent.pushFetch });
    await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('hi') });
    expect(r.status).toBe(200);
    expect(r.json.error.code).toBe(-32601);
  });

  it('pushes exactly the normalised JSON-RPC: sorted keys, \\u003c escapes, new id and messageId, extra keys dropped', async () => {
    const agent = fakeAgent();
    const sim = makeSim({ pushFetch: agent.pushFetch });
    await registerAgent(sim, IDS.a, 'https://agent.example.com/a2a/inbound');
    await call(sim, 'POST', A2A(IDS.a), { body: { ...messageBody('<b>&</b>'), extra: 'dropped' } });
    const pushed = agent.received[0]!;
    expect(pushed.url).toBe('https://agent.example.com/a2a/inbound');
    expect(pushed.method).toBe('POST');
    const raw = JSON.stringify(pushed.body);
    expect(pushed.body.jsonrpc).toBe('2.0');
    expect(pushed.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(pushed.body.params.message.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(pushed.body).not.toHaveProperty('extra');
    expect(Object.keys(pushed.body)).toEqual(['id', 'jsonrpc', 'method', 'params']);
    expect(Object.keys(pushed.body.params.message)).toEqual(['messageId', 'parts', 'role']);
    expect(raw).toContain('<b>&</b>');
    const wire = sim.admin.activity(IDS.a)[0]!;
    expect(wire.request_body).toEqual(pushed.body);
  });

  it('writes \\u003c on the wire (Go HTML-safe encoding)', async () => {
    let seen = '';
    const sim = makeSim({
      pushFetch: async (_input, init) => {
        seen = String(init?.body ?? '');
        return Response.json({ result: {} });
      },
    });
    await registerAgent(sim, IDS.a);
    await call(sim, 'POST', A2A(IDS.a), { body: messageBody('<x>') });
    expect(seen).toContain('\\u003cx\\u003e');
    expect(seen.startsWith('{"id":"')).toBe(true);
  });

  it('keeps an existing jsonrpc envelope and an existing messageId', async () => {
    const agent = fakeAgent();
    const sim = makeSim({ pushFetch: agent.pushFetch });
    await registerAgent(sim, IDS.a);
    await call(sim, 'POST', A2A(IDS.a), {
      body: {
        jsonrpc: '2.0',
        id: 7,
        method: 'message/send',
        params: { message: { messageId: 'm1', parts: [] } },
        x: 1,
      },
    });
    expect(agent.received[0]!.body).toEqual({
      id: 7,
      jsonrpc: '2.0',
      method: 'message/send',
      params: { message: { messageId: 'm1', parts: [] } },
      x: 1,
    });
  });

  it('sends only Content-Type and Go defaults: no Authorization, no X-Workspace-ID', async () => {
    const agent = fakeAgent();
    const sim = makeSim({ pushFetch: agent.pushFetch });
    const a = await registerAgent(sim, IDS.a);
    await registerAgent(sim, IDS.b);
    await call(sim, 'POST', A2A(IDS.b), {
      token: a,
      headers: { 'X-Workspace-ID': IDS.a },
      body: messageBody('x'),
    });
    const h = agent.received[0]!.headers;
    expect(h.get('content-type')).toBe('application/json');
    expect(h.get('user-agent')).toBe('Go-http-client/1.1');
    expect(h.get('authorization')).toBeNull();
    expect(h.get('x-workspace-id')).toBeNull();
  });

  it('writes an a2a_receive row on the target: source, method, summary, bodies, status ok', async () => {
    const agent = fakeAgent();
    const sim = makeSim({ pushFetch: agent.pushFetch });
    const a = await registerAgent(sim, IDS.a);
    await registerAgent(sim, IDS.b);
    await call(sim, 'POST', A2A(IDS.b), {
      token: a,
      headers: { 'X-Workspace-ID': IDS.a },
      body: messageBody('peer hello'),
    });
    await call(sim, 'POST', A2A(IDS.b), { body: messageBody('canvas hello') });
    const rows = sim.admin.activity(IDS.b);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      activity_type: 'a2a_receive',
      source_id: IDS.a,
      target_id: IDS.b,
      workspace_id: IDS.b,
      method: 'message/send',
      summary: `message/send → ${IDS.b}`,
      status: 'ok',
      error_detail: null,
    });
    expect(rows[0]!.request_body).toMatchObject({
      params: { message: { parts: [{ kind: 'text', text: 'peer hello' }] } },
    });
    expect(rows[0]!.response_body).toMatchObject({ result: { parts: [{ text: 'echo: peer hello' }] } });
    expect(rows[1]!.source_id).toBeNull();
  });

  it('a non-JSON reply is relayed verbatim; its row has response_body null (Go marshal fallback)', async () => {
    const agent = fakeAgent(() => new Response('plain text'));
    const sim = makeSim({ pushFetch: agent.pushFetch });
    await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('x') });
    expect(r.status).toBe(200);
    expect(r.text).toBe('plain text');
    const rows = sim.admin.activity(IDS.a);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'ok', response_body: null });
    const token = await sim.admin.mintToken(IDS.a);
    const listed = await call(sim, 'GET', `/workspaces/${IDS.a}/activity`, { token });
    expect(listed.text).toContain('"response_body":null');
  });

  it('a JSON null body becomes an envelope with null method and params', async () => {
    const agent = fakeAgent();
    const sim = makeSim({ pushFetch: agent.pushFetch });
    await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', A2A(IDS.a), { rawBody: 'null' });
    expect(r.status).toBe(200);
    expect(agent.received[0]!.body).toMatchObject({ jsonrpc: '2.0', method: null, params: null });
  });

  it('dispatches to loopback URLs in dev mode', async () => {
    const agent = fakeAgent();
    const sim = makeSim({ pushFetch: agent.pushFetch, devMode: true });
    await registerAgent(sim, IDS.a, 'http://localhost:41234');
    const r = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('x') });
    expect(r.status).toBe(200);
    expect(agent.received[0]!.url).toBe('http://localhost:41234/');
  });
});

describe('POST /workspaces/:id/a2a — status rows', () => {
  it('202 queued on a busy-type error; drained on the next heartbeat with spare capacity', async () => {
    let fail = true;
    const agent = fakeAgent((_req, body) => {
      if (fail) throw busyError();
      return Response.json({
        jsonrpc: '2.0',
        id: body.id,
        result: { parts: [{ kind: 'text', text: 'late' }] },
      });
    });
    const sim = makeSim({ pushFetch: agent.pushFetch });
    const token = await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('queued?') });
    expect(r.status).toBe(202);
    expect(r.json).toEqual({
      queued: true,
      queue_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      queue_depth: 1,
      message: 'workspace agent busy — request queued, will dispatch when capacity available',
    });
    expect(Object.keys(r.json)).toEqual(['message', 'queue_depth', 'queue_id', 'queued']);
    const failRow = sim.admin.activity(IDS.a)[0]!;
    expect(failRow).toMatchObject({
      status: 'error',
      error_detail: 'Post "https://agent.example.com/a2a": EOF',
    });

    fail = false;
    await call(sim, 'POST', '/registry/heartbeat', { token, body: { workspace_id: IDS.a, active_tasks: 1 } });
    await sim.settle();
    expect(sim.admin.queue(IDS.a)).toHaveLength(1);
    await call(sim, 'POST', '/registry/heartbeat', { token, body: { workspace_id: IDS.a, active_tasks: 0 } });
    await sim.settle();
    expect(sim.admin.queue(IDS.a)).toHaveLength(0);
    expect(agent.received).toHaveLength(2);
    expect(agent.received[1]!.body.params.message.parts[0].text).toBe('queued?');
    expect(sim.admin.activity(IDS.a).at(-1)).toMatchObject({ status: 'ok' });
  });

  it('202 queued when the idle timeout cancels a silent dispatch', async () => {
    const sim = makeSim({
      a2aIdleTimeoutMs: 20,
      pushFetch: (_i, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    });
    await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('slow') });
    expect(r.status).toBe(202);
    expect(sim.admin.activity(IDS.a)[0]!.error_detail).toBe(
      'Post "https://agent.example.com/a2a": context canceled',
    );
  });

  it('400 invalid JSON for malformed JSON, a non-object, or a body cut at 1 MiB', async () => {
    const sim = makeSim({ pushFetch: fakeAgent().pushFetch });
    await registerAgent(sim, IDS.a);
    for (const raw of ['{bad', '[1,2]', '"s"', JSON.stringify(messageBody('x'.repeat(1 << 20)))]) {
      const r = await call(sim, 'POST', A2A(IDS.a), { rawBody: raw });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ error: 'invalid JSON' });
    }
  });

  it('401 missing / invalid caller auth token (bound to X-Workspace-ID, not the target)', async () => {
    const sim = makeSim({ pushFetch: fakeAgent().pushFetch });
    await registerAgent(sim, IDS.a);
    const b = await registerAgent(sim, IDS.b);
    const missing = await call(sim, 'POST', A2A(IDS.b), {
      headers: { 'X-Workspace-ID': IDS.a },
      body: messageBody('x'),
    });
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ error: 'missing caller auth token' });
    const invalid = await call(sim, 'POST', A2A(IDS.b), {
      token: b,
      headers: { 'X-Workspace-ID': IDS.a },
      body: messageBody('x'),
    });
    expect(invalid.status).toBe(401);
    expect(invalid.json).toEqual({ error: 'invalid caller auth token' });
    const admin = await call(sim, 'POST', A2A(IDS.b), {
      token: sim.adminToken,
      headers: { 'X-Workspace-ID': IDS.a },
      body: messageBody('x'),
    });
    expect(admin.json).toEqual({ error: 'invalid caller auth token' });
  });

  it('self-calls and canvas calls are not authenticated; a tokenless caller is grandfathered', async () => {
    const sim = makeSim({ pushFetch: fakeAgent().pushFetch });
    await registerAgent(sim, IDS.a);
    expect(
      (await call(sim, 'POST', A2A(IDS.a), { headers: { 'X-Workspace-ID': IDS.a }, body: messageBody('x') }))
        .status,
    ).toBe(200);
    expect((await call(sim, 'POST', A2A(IDS.a), { body: messageBody('x') })).status).toBe(200);
    await sim.admin.createWorkspace({ id: IDS.b, external: true, url: 'https://b.example.com' });
    expect(
      (await call(sim, 'POST', A2A(IDS.a), { headers: { 'X-Workspace-ID': IDS.b }, body: messageBody('x') }))
        .status,
    ).toBe(200);
  });

  it('402 workspace budget limit exceeded', async () => {
    const sim = makeSim({ pushFetch: fakeAgent().pushFetch });
    await registerAgent(sim, IDS.a);
    await sim.admin.setBudget(IDS.a, 500, 500);
    const r = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('x') });
    expect(r.status).toBe(402);
    expect(r.json).toEqual({ error: 'workspace budget limit exceeded' });
  });

  it('403 invalid caller ID for system prefixes in X-Workspace-ID', async () => {
    const sim = makeSim({ pushFetch: fakeAgent().pushFetch });
    await registerAgent(sim, IDS.a);
    for (const caller of ['webhook:x', 'system:y', 'test:z', 'channel:slack']) {
      const r = await call(sim, 'POST', A2A(IDS.a), {
        headers: { 'X-Workspace-ID': caller },
        body: messageBody('x'),
      });
      expect(r.status).toBe(403);
      expect(r.json).toEqual({ error: 'invalid caller ID' });
    }
  });

  it('403 access denied per hierarchy rules (before any existence check)', async () => {
    const sim = makeSim({ pushFetch: fakeAgent().pushFetch });
    await sim.admin.createWorkspace({ id: IDS.a, external: true, url: 'https://a.example.com' });
    await sim.admin.createWorkspace({ id: IDS.b, external: true, url: 'https://b.example.com' });
    await sim.admin.createWorkspace({
      id: IDS.c,
      parentId: IDS.b,
      external: true,
      url: 'https://c.example.com',
    });
    for (const target of [IDS.c, IDS.unknown]) {
      const r = await call(sim, 'POST', A2A(target), {
        headers: { 'X-Workspace-ID': IDS.a },
        body: messageBody('x'),
      });
      expect(r.status).toBe(403);
      expect(r.json).toEqual({ error: 'access denied: workspaces cannot communicate per hierarchy rules' });
    }
  });

  it('404 workspace not found for an unknown target (canvas call)', async () => {
    const r = await call(makeSim(), 'POST', A2A(IDS.unknown), { body: messageBody('x') });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ error: 'workspace not found' });
  });

  it('500 lookup failed for a non-UUID target', async () => {
    const r = await call(makeSim(), 'POST', A2A('nope'), { body: messageBody('x') });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: 'lookup failed' });
  });

  it('502 workspace URL is not publicly routable: loopback outside dev mode, remote://, private; no row', async () => {
    const sim = makeSim({ pushFetch: fakeAgent().pushFetch });
    await registerAgent(sim, IDS.a, 'http://localhost:9000');
    await sim.admin.createWorkspace({ id: IDS.b, external: true, url: 'remote://no-inbound' });
    await sim.admin.createWorkspace({ id: IDS.c, external: true, url: 'http://192.168.1.10:80' });
    for (const id of [IDS.a, IDS.b, IDS.c]) {
      const r = await call(sim, 'POST', A2A(id), { body: messageBody('x') });
      expect(r.status).toBe(502);
      expect(r.json).toEqual({ error: 'workspace URL is not publicly routable' });
      expect(sim.admin.activity(id)).toEqual([]);
    }
  });

  it('502 failed to reach workspace agent on connection refused; error row written, nothing queued', async () => {
    const sim = makeSim({ pushFetch: () => Promise.reject(refused()) });
    await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('x') });
    expect(r.status).toBe(502);
    expect(r.json).toEqual({ error: 'failed to reach workspace agent' });
    expect(sim.admin.queue(IDS.a)).toEqual([]);
    expect(sim.admin.activity(IDS.a)[0]).toMatchObject({
      status: 'error',
      summary: expect.stringContaining(`A2A request to ${IDS.a} failed: `),
      error_detail: expect.stringContaining('connection refused'),
    });
  });

  it('502 failed to read agent response with delivery_confirmed when the body breaks after headers', async () => {
    const sim = makeSim({
      pushFetch: async () =>
        new Response(
          new ReadableStream({
            start(c) {
              c.enqueue(new TextEncoder().encode('{"partial":'));
            },
            pull(c) {
              c.error(new Error('socket closed'));
            },
          }),
        ),
    });
    await registerAgent(sim, IDS.a);
    const r = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('x') });
    expect(r.status).toBe(502);
    expect(r.json).toEqual({ error: 'failed to read agent response', delivery_confirmed: true });
  });

  it('503 workspace has no URL for paused and awaiting_agent workspaces, with their status', async () => {
    const sim = makeSim({ pushFetch: fakeAgent().pushFetch });
    await registerAgent(sim, IDS.a);
    await sim.admin.pause(IDS.a);
    await sim.admin.createWorkspace({ id: IDS.b, external: true });
    expect((await call(sim, 'POST', A2A(IDS.a), { body: messageBody('x') })).json).toEqual({
      error: 'workspace has no URL',
      status: 'paused',
    });
    const r = await call(sim, 'POST', A2A(IDS.b), { body: messageBody('x') });
    expect(r.status).toBe(503);
    expect(r.json).toEqual({ error: 'workspace has no URL', status: 'awaiting_agent' });
  });

  it('503 waking from hibernation with Retry-After: 15', async () => {
    const sim = makeSim();
    await registerAgent(sim, IDS.a);
    await sim.admin.hibernate(IDS.a);
    const r = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('x') });
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('15');
    expect(r.json).toEqual({
      error: 'workspace is waking from hibernation — retry in ~15 seconds',
      waking: true,
      retry_after: 15,
    });
  });

  it('503 native_session busy with Retry-After: 30 when the target declared the session capability', async () => {
    const sim = makeSim({ pushFetch: () => Promise.reject(busyError()) });
    const token = await registerAgent(sim, IDS.a);
    await call(sim, 'POST', '/registry/heartbeat', {
      token,
      body: { workspace_id: IDS.a, runtime_metadata: { capabilities: { session: true } } },
    });
    const r = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('x') });
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('30');
    expect(r.json).toEqual({
      error: 'workspace agent busy — adapter handles retry (native_session)',
      busy: true,
      retry_after: 30,
      native_session: true,
    });
  });

  it('503 restarting for a non-external runtime when a Docker provisioner is present', async () => {
    const sim = makeSim({ dockerProvisioner: true, pushFetch: () => Promise.reject(refused()) });
    await registerAgent(sim, IDS.a); // runtime stays langgraph
    const r = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('x') });
    expect(r.status).toBe(503);
    expect(r.json).toEqual({
      error: 'workspace agent unreachable — container restart triggered',
      restarting: true,
    });
    expect(sim.admin.workspace(IDS.a)!.status).toBe('offline');
  });

  it("agent's ≥300: same status, error = the agent's top-level string error, else the status text", async () => {
    let reply = Response.json({ error: 'model overloaded', detail: 'x' }, { status: 429 });
    const sim = makeSim({ pushFetch: async () => reply });
    await registerAgent(sim, IDS.a);
    const r1 = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('x') });
    expect(r1.status).toBe(429);
    expect(r1.json).toEqual({ error: 'model overloaded' });
    reply = Response.json({ error: { code: 1 } }, { status: 500 });
    const r2 = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('x') });
    expect(r2.status).toBe(500);
    expect(r2.json).toEqual({ error: 'Internal Server Error' });
    expect(sim.admin.activity(IDS.a).map((row) => row.status)).toEqual(['error', 'error']);
  });

  it('does not check status: a deleted workspace keeps its URL and is still dispatched to', async () => {
    const agent = fakeAgent();
    const sim = makeSim({ pushFetch: agent.pushFetch });
    await registerAgent(sim, IDS.a);
    await sim.admin.delete(IDS.a);
    const r = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('x') });
    expect(r.status).toBe(200);
    expect(agent.received).toHaveLength(1);
  });
});

describe('poll-only delivery (allowPlaceholderUrl)', () => {
  it('parks messages to a remote:// workspace as activity rows (202) instead of pushing', async () => {
    const sim = makeSim({ allowPlaceholderUrl: true });
    await call(sim, 'POST', '/registry/register', {
      body: { id: IDS.a, url: 'remote://no-inbound', agent_card: {} },
    });
    const r = await call(sim, 'POST', A2A(IDS.a), { body: messageBody('poll me') });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ queued: true, delivery: 'poll', status: 'queued' });
    expect(r.json.queue_id).toBe(r.json.activity_id);
    const row = sim.admin.activity(IDS.a)[0]!;
    expect(row.id).toBe(r.json.activity_id);
    expect(row).toMatchObject({ activity_type: 'a2a_receive', source_id: null, method: 'message/send' });
    expect(row).not.toHaveProperty('response_body');
  });
});
