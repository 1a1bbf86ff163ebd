import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ConfigError, CursorLostError, ServerError } from '../src/errors.js';
import { fetchInbound } from '../src/inbound/fetch-inbound.js';
import { clientFor, lastRequest, type SimHarness, startSim, workspaceWithToken } from './helpers/platform.js';

let env: SimHarness;
afterEach(async () => {
  await env.close();
});

/** A poll-mode agent (registered with the placeholder URL, so messages to it become activity rows). */
async function agent(options: Parameters<typeof clientFor>[2] = {}) {
  const { id, token } = await workspaceWithToken(env.sim);
  const fixture = clientFor(env.url, id, { storedToken: token, ...options });
  if (env.sim.options.allowPlaceholderUrl) await fixture.client.register();
  env.sim.clearRequests();
  return { id, ...fixture };
}

describe('fetchActivity against the server of the contract (no cursor, newest first)', () => {
  beforeEach(async () => {
    env = await startSim({ devMode: true, allowPlaceholderUrl: true });
  });

  it('fetch_inbound_happy_path: GET /workspaces/<id>/activity?type=a2a_receive&limit=100 returns the rows', async () => {
    const me = await agent();
    await env.sim.admin.sendCanvasMessage(me.id, 'first');
    await env.sim.admin.sendCanvasMessage(me.id, 'second');
    const rows = await me.client.fetchActivity({ type: 'a2a_receive', limit: 100 });
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows)
      expect(row).toMatchObject({ id: expect.any(String), activity_type: 'a2a_receive' });
    const request = lastRequest(env.sim, `/workspaces/${me.id}/activity`);
    expect(request?.rawQuery).toBe('type=a2a_receive&limit=100');
    expect(request?.headers.authorization).toBe('Bearer [redacted]');
  });

  it('fetch_inbound_omits_optional_filters_when_unset, and empty values are never sent', async () => {
    const me = await agent();
    await me.client.fetchActivity({ type: '', sinceId: '', peerId: '', beforeTs: '' });
    expect(lastRequest(env.sim, `/workspaces/${me.id}/activity`)?.rawQuery).toBe('');
    await me.client.fetchActivity({ sinceId: null });
    expect(lastRequest(env.sim, `/workspaces/${me.id}/activity`)?.rawQuery).toBe('');
  });

  it('passes since_id, peer_id, before_ts (verbatim) and source', async () => {
    const me = await agent();
    await me.client.fetchActivity({
      type: 'a2a_receive',
      limit: 5,
      sinceId: 'act-1',
      peerId: 'peer-9',
      beforeTs: '2026-05-01T00:00:00+00:00',
      source: 'agent',
    });
    expect(lastRequest(env.sim, `/workspaces/${me.id}/activity`)?.query).toEqual({
      type: 'a2a_receive',
      limit: '5',
      since_id: 'act-1',
      peer_id: 'peer-9',
      before_ts: '2026-05-01T00:00:00+00:00',
      source: 'agent',
    });
  });

  it('limit is sent as a decimal integer; zero, negative or NaN is refused before any I/O', async () => {
    const me = await agent();
    await me.client.fetchActivity({ limit: 2.9 });
    expect(lastRequest(env.sim, `/workspaces/${me.id}/activity`)?.query).toEqual({ limit: '2' });
    env.sim.clearRequests();
    for (const limit of [0, -1, Number.NaN]) {
      expect(await me.client.fetchActivity({ limit }).catch((e) => e)).toBeInstanceOf(ConfigError);
    }
    expect(env.sim.requests).toHaveLength(0);
  });

  it('fetch_inbound_empty_returns_empty', async () => {
    expect(await (await agent()).client.fetchActivity({ type: 'a2a_receive' })).toEqual([]);
  });

  it('fetch_inbound_accepts_dict_items_wrapper: {"items": [...]}', async () => {
    const me = await agent();
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/activity',
          fault: { type: 'status', status: 200, body: { items: [{ id: 'a1' }, { id: 'a2' }] } },
        },
      ],
    });
    expect((await me.client.fetchActivity()).map((r) => r.id)).toEqual(['a1', 'a2']);
  });

  it('fetch_inbound_skips_malformed_rows: non-objects and id-less rows are dropped with a debug log', async () => {
    const me = await agent();
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/activity',
          fault: {
            type: 'status',
            status: 200,
            body: [
              1,
              'x',
              null,
              { text: 'no id' },
              { id: '' },
              { id: 'bad', source_id: { nested: true } },
              { id: 'good', data: { text: 'hi' } },
            ],
          },
        },
      ],
    });
    const rows = await me.client.fetchActivity();
    expect(rows).toEqual([{ id: 'good', data: { text: 'hi' } }]);
    expect(me.logger.lines.filter((l) => l.message === 'dropping a malformed activity row')).toHaveLength(6);
  });

  it('numeric id, source_id and created_at are kept and read as strings (Python kept such rows)', async () => {
    const me = await agent();
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/activity',
          fault: {
            type: 'status',
            status: 200,
            body: [{ id: 17, source_id: 3, created_at: 1_767_225_600, data: { text: 'hi' } }],
          },
        },
      ],
    });
    expect(await me.client.fetchActivity()).toEqual([
      { id: '17', source_id: '3', created_at: '1767225600', data: { text: 'hi' } },
    ]);
  });

  it('fetch_inbound_401_raises: AuthenticationError', async () => {
    const { id } = await workspaceWithToken(env.sim);
    const { client } = clientFor(env.url, id, { storedToken: 'NotTheToken_0123456789abcdefghijklmnopqrst' });
    expect(await client.fetchActivity().catch((e) => e)).toBeInstanceOf(AuthenticationError);
  });

  it('fetch_inbound_429_retries: 429 (Retry-After 0) then 200 → exactly two GETs', async () => {
    const me = await agent();
    env.sim.setFaults({
      rules: [{ path: '/workspaces/:id/activity', count: 1, fault: { type: 'rate-limit', retryAfter: 0 } }],
    });
    expect(await me.client.fetchActivity()).toEqual([]);
    expect(env.sim.requests.filter((r) => r.path === `/workspaces/${me.id}/activity`)).toHaveLength(2);
    expect(me.clock.sleeps).toEqual([0]);
  });

  it('fetch_inbound_410_raises_cursor_lost, also when the 410 follows a 429 retry (python raised HTTPError)', async () => {
    const me = await agent();
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/activity',
          fault: { type: 'status', status: 410, body: { error: 'cursor expired' } },
        },
      ],
    });
    expect(await me.client.fetchActivity({ sinceId: 'x' }).catch((e) => e)).toBeInstanceOf(CursorLostError);
    env.sim.setFaults({
      rules: [
        { path: '/workspaces/:id/activity', count: 1, fault: { type: 'rate-limit', retryAfter: 1 } },
        {
          path: '/workspaces/:id/activity',
          fault: { type: 'status', status: 410, body: { error: 'cursor expired' } },
        },
      ],
    });
    expect(await me.client.fetchActivity({ sinceId: 'x' }).catch((e) => e)).toBeInstanceOf(CursorLostError);
  });
});

describe('fetchInbound (Python fetch_inbound defaults)', () => {
  beforeEach(async () => {
    env = await startSim({ devMode: true, allowPlaceholderUrl: true, activityFeed: 'cursor' });
  });

  it('fetch_inbound_happy_path: type=a2a_receive&limit=100 by default, parsed InboundMessage[] oldest first', async () => {
    const me = await agent();
    await env.sim.admin.sendCanvasMessage(me.id, 'first');
    await env.sim.admin.sendCanvasMessage(me.id, 'second');
    const messages = await fetchInbound(me.client);
    expect(lastRequest(env.sim, `/workspaces/${me.id}/activity`)?.rawQuery).toBe(
      'type=a2a_receive&limit=100',
    );
    expect(messages.map((m) => ({ text: m.text, source: m.source, delivery: m.delivery }))).toEqual([
      { text: 'first', source: 'canvas_user', delivery: 'poll' },
      { text: 'second', source: 'canvas_user', delivery: 'poll' },
    ]);
    expect(messages[0]?.activityId).toEqual(expect.any(String));
  });

  it('fetch_inbound_with_since_id_passes_cursor, and explicit type/limit win over the defaults', async () => {
    const me = await agent();
    await env.sim.admin.sendCanvasMessage(me.id, 'one');
    await env.sim.admin.sendCanvasMessage(me.id, 'two');
    const [first] = await fetchInbound(me.client);
    const after = await fetchInbound(me.client, { sinceId: first?.activityId, limit: 5 });
    expect(after.map((m) => m.text)).toEqual(['two']);
    expect(lastRequest(env.sim, `/workspaces/${me.id}/activity`)?.query).toEqual({
      type: 'a2a_receive',
      limit: '5',
      since_id: first?.activityId,
    });
  });

  it('fetch_inbound_skips_malformed_rows', async () => {
    const me = await agent();
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/activity',
          fault: {
            type: 'status',
            status: 200,
            body: [
              { text: 'no id' },
              'x',
              { id: 'n1', method: 'notify' },
              { id: 7, data: { source: 'canvas_user', text: 'hi' } },
            ],
          },
        },
      ],
    });
    expect((await fetchInbound(me.client)).map((m) => [m.activityId, m.text])).toEqual([['7', 'hi']]);
  });
});

describe('fetchActivity against a cursor feed (since_id, oldest first, 410)', () => {
  beforeEach(async () => {
    env = await startSim({ devMode: true, allowPlaceholderUrl: true, activityFeed: 'cursor' });
  });

  it('fetch_inbound_with_since_id_passes_cursor: only rows after the cursor, oldest first', async () => {
    const me = await agent();
    for (const text of ['one', 'two', 'three']) await env.sim.admin.sendCanvasMessage(me.id, text);
    const all = await me.client.fetchActivity({ type: 'a2a_receive' });
    expect(all.length).toBe(3);
    const after = await me.client.fetchActivity({ type: 'a2a_receive', sinceId: all[0]?.id });
    expect(after.map((r) => r.id)).toEqual(all.slice(1).map((r) => r.id));
  });

  it('a pruned cursor row → 410 → CursorLostError', async () => {
    const me = await agent();
    await env.sim.admin.sendCanvasMessage(me.id, 'one');
    const [row] = await me.client.fetchActivity();
    await env.sim.admin.pruneActivity(me.id);
    const error = await me.client.fetchActivity({ sinceId: row?.id }).catch((e) => e);
    expect(error).toBeInstanceOf(CursorLostError);
    expect(error.status).toBe(410);
  });
});

describe('notify', () => {
  beforeEach(async () => {
    env = await startSim();
  });

  it('reply_canvas_user_hits_notify: POST /workspaces/<self>/notify {"message": text} with the bearer', async () => {
    const me = await agent();
    await me.client.notify('hello user');
    const request = lastRequest(env.sim, `/workspaces/${me.id}/notify`);
    expect(request?.json).toEqual({ message: 'hello user' });
    expect(request?.headers.authorization).toBe('Bearer [redacted]');
    expect(env.sim.admin.notifications(me.id).map((n) => n.message)).toEqual(['hello user']);
  });

  it('sends attachments; one without uri or name is refused before any I/O', async () => {
    const me = await agent();
    await me.client.notify('see', [
      { uri: 'https://files.example/r.pdf', name: 'r.pdf', mimeType: 'application/pdf', size: 10 },
    ]);
    expect(lastRequest(env.sim, `/workspaces/${me.id}/notify`)?.json).toEqual({
      message: 'see',
      attachments: [
        { uri: 'https://files.example/r.pdf', name: 'r.pdf', mimeType: 'application/pdf', size: 10 },
      ],
    });
    env.sim.clearRequests();
    expect(await me.client.notify('x', [{ uri: '', name: 'n' }]).catch((e) => e)).toBeInstanceOf(ConfigError);
    expect(env.sim.requests).toHaveLength(0);
  });

  it('reply_empty_text_raises: "" and "   " are refused before any I/O', async () => {
    const me = await agent();
    for (const text of ['', '   '])
      expect(await me.client.notify(text).catch((e) => e)).toBeInstanceOf(ConfigError);
    expect(env.sim.requests).toHaveLength(0);
  });

  it('reply_propagates_http_error: 500 → ServerError', async () => {
    const me = await agent();
    env.sim.setFaults({
      rules: [{ path: '/workspaces/:id/notify', fault: { type: 'status', status: 500 } }],
    });
    expect(await me.client.notify('x').catch((e) => e)).toBeInstanceOf(ServerError);
  });
});
