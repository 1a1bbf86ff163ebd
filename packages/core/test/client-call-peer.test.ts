import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  InvalidResponseError,
  PeerBusyError,
  PeerRejectedError,
  PeerUnreachableError,
  PermissionDeniedError,
  ServerError,
  TimeoutError,
} from '../src/errors.js';
import { callPeer, sendMessage } from '../src/index.js';
import { clientFor, type SimHarness, startSim, workspaceWithToken } from './helpers/platform.js';
import { closedPort, type ScriptedServer, startScriptedServer } from './helpers/scripted-server.js';

let env: SimHarness;
let peer: ScriptedServer;
beforeEach(async () => {
  env = await startSim({ devMode: true });
  peer = await startScriptedServer();
});
afterEach(async () => {
  await peer.close();
  await env.close();
});

const TOKEN_LIKE = /Bearer\s/;

/** A JSON-RPC answer with an A2A v0.3 Message from the peer. */
function agentReply(text: string, id: unknown = 1) {
  return {
    json: {
      jsonrpc: '2.0',
      id,
      result: { kind: 'message', role: 'agent', messageId: 'm-reply', parts: [{ kind: 'text', text }] },
    },
  };
}

/** This agent (with a token) and a target workspace registered at `url`. */
async function setup(url = `http://localhost:${peer.port}`, options: Parameters<typeof clientFor>[2] = {}) {
  const me = await workspaceWithToken(env.sim);
  const target = await env.sim.admin.createWorkspace({ external: true, url });
  const fixture = clientFor(env.url, me.id, {
    storedToken: me.token,
    orgId: undefined,
    origin: '',
    ...options,
  });
  return { me, target, ...fixture };
}

const proxyPosts = (id: string) => env.sim.requests.filter((r) => r.path === `/workspaces/${id}/a2a`);

describe('callPeer: direct', () => {
  it('call_peer_no_cached_url_uses_discover_then_direct: discover, then one POST to the peer; URL cached', async () => {
    peer.script(agentReply('hello back'));
    const { target, client } = await setup();
    const result = await callPeer(client, target.id, 'hello');
    expect(result).toMatchObject({ status: 'completed', route: 'direct', text: 'hello back' });
    expect(env.sim.requests.map((r) => r.path)).toContain(`/registry/discover/${target.id}`);
    expect(peer.requests).toHaveLength(1);
    expect(await client.discoverPeer(target.id)).toBe(`http://localhost:${peer.port}/`);
  });

  it('call_peer_json_rpc_envelope_format: JSON-RPC 2.0 message/send with a v0.3 Message', async () => {
    peer.script(agentReply('ok'));
    const { target, client } = await setup();
    const result = await callPeer(client, target.id, 'ping');
    const body = peer.requests[0]?.json as { id: unknown; params: { message: unknown } };
    expect(body).toMatchObject({ jsonrpc: '2.0', method: 'message/send' });
    expect(typeof body.id).toBe('string');
    expect(body.params.message).toEqual({
      kind: 'message',
      role: 'user',
      messageId: result.messageId,
      parts: [{ kind: 'text', text: 'ping' }],
    });
    expect(result.messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('call_peer does not send the bearer, Origin or org header to the peer (python leaks them)', async () => {
    peer.script(agentReply('ok'));
    const { me, target, client } = await setup(undefined, { orgId: 'org-7' });
    await callPeer(client, target.id, 'hi');
    const headers = peer.requests[0]?.headers ?? {};
    expect(headers.authorization).toBeUndefined();
    expect(headers.origin).toBeUndefined();
    expect(headers['x-molecule-org-id']).toBeUndefined();
    expect(headers.cookie).toBeUndefined();
    expect(headers['x-workspace-id']).toBe(me.id);
    expect(headers['content-type']).toBe('application/json');
    expect(JSON.stringify(peer.requests[0])).not.toMatch(TOKEN_LIKE);
  });

  it('call_peer_direct_path_on_cache_hit: one POST to the cached URL and nothing to the platform', async () => {
    peer.script(agentReply('cached'));
    const { target, client } = await setup();
    await client.getPeers();
    env.sim.clearRequests();
    expect(await callPeer(client, target.id, 'x')).toMatchObject({ text: 'cached' });
    expect(env.sim.requests).toHaveLength(0);
    expect(peer.requests).toHaveLength(1);
  });

  it('a peer URL on the platform host but another port gets no bearer (origin = scheme+host+port)', async () => {
    // The scripted peer and the simulator share 127.0.0.1; only the port differs.
    peer.script(agentReply('ok'));
    const { target, client } = await setup(`http://127.0.0.1:${peer.port}`.replace('127.0.0.1', 'localhost'));
    env.sim.setFaults({
      rules: [
        {
          path: '/registry/discover/:id',
          fault: {
            type: 'status',
            status: 200,
            body: { id: target.id, url: `http://127.0.0.1:${peer.port}/a2a` },
          },
        },
      ],
    });
    await callPeer(client, target.id, 'x');
    expect(peer.requests[0]?.path).toBe('/a2a');
    expect(peer.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("a peer URL that IS the platform's origin still gets no bearer on the direct call", async () => {
    const { target, client } = await setup();
    env.sim.setFaults({
      rules: [
        {
          path: '/registry/discover/:id',
          fault: { type: 'status', status: 200, body: { id: target.id, url: `${env.url}/steal` } },
        },
      ],
    });
    const error = await callPeer(client, target.id, 'x').catch((e) => e);
    // The sim answers 404 there (not processed), so the proxy is tried; the scripted peer behind it answers 500.
    expect(error).toBeInstanceOf(ServerError);
    const stolen = env.sim.requests.find((r) => r.path === '/steal');
    expect(stolen?.headers.authorization).toBeUndefined();
    expect(stolen?.headers.origin).toBeUndefined();
  });

  it('a peer URL with userinfo is never called; the proxy is used instead', async () => {
    peer.script(agentReply('via proxy'));
    const { target, client } = await setup();
    env.sim.setFaults({
      rules: [
        {
          path: '/registry/discover/:id',
          fault: {
            type: 'status',
            status: 200,
            body: { id: target.id, url: `http://user:pw@localhost:${peer.port}/direct` },
          },
        },
      ],
    });
    const result = await callPeer(client, target.id, 'x');
    expect(result).toMatchObject({ route: 'proxy', text: 'via proxy' });
    expect(peer.requests.map((r) => r.path)).toEqual(['/']); // only the platform's push, never /direct
  });

  it('a redirect from the peer is not followed: PeerRejectedError, the redirect target never hit, no resend', async () => {
    const elsewhere = await startScriptedServer();
    try {
      peer.script({ status: 307, headers: { location: `${elsewhere.url}/collect` }, text: '' });
      const { target, client } = await setup();
      const error = await callPeer(client, target.id, 'x').catch((e) => e);
      expect(error).toBeInstanceOf(PeerRejectedError);
      expect(error).toMatchObject({ httpStatus: 307, route: 'direct', targetId: target.id });
      expect(elsewhere.requests).toHaveLength(0);
      expect(proxyPosts(target.id)).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });
});

describe('callPeer: fallback to the proxy only when the direct request certainly did not leave', () => {
  it('call_peer_falls_back_to_proxy_on_direct_error: refused → cache invalidated → proxy with the SAME messageId', async () => {
    peer.script(agentReply('through the platform'));
    const dead = await closedPort();
    const { me, target, client } = await setup();
    // Discovery keeps answering the dead URL (rediscovery finds nothing newer).
    env.sim.setFaults({
      rules: [
        {
          path: '/registry/discover/:id',
          count: 2,
          fault: { type: 'status', status: 200, body: { id: target.id, url: `http://localhost:${dead}/` } },
        },
      ],
    });
    const result = await callPeer(client, target.id, 'hello');
    expect(result).toMatchObject({ status: 'completed', route: 'proxy', text: 'through the platform' });
    const proxied = proxyPosts(target.id);
    expect(proxied).toHaveLength(1);
    expect(proxied[0]?.headers.authorization).toBe('Bearer [redacted]');
    expect(proxied[0]?.headers['x-workspace-id']).toBe(me.id);
    const pushed = peer.requests[0]?.json as { params: { message: { messageId: string } } };
    expect(pushed.params.message.messageId).toBe(result.messageId);
    // Discovered once, rediscovered once; the dead URL was dropped, so the next call discovers again.
    expect(env.sim.requests.filter((r) => r.path === `/registry/discover/${target.id}`)).toHaveLength(2);
    await client.discoverPeer(target.id);
    expect(env.sim.requests.filter((r) => r.path === `/registry/discover/${target.id}`)).toHaveLength(3);
  });

  it('refused at the cached URL → rediscovered once → the new URL gets the SAME messageId, the proxy nothing', async () => {
    peer.script(agentReply('at my new address'));
    const dead = await closedPort();
    const { target, client } = await setup();
    env.sim.setFaults({
      rules: [
        {
          path: '/registry/discover/:id',
          count: 1,
          fault: { type: 'status', status: 200, body: { id: target.id, url: `http://localhost:${dead}/` } },
        },
      ],
    });
    const result = await callPeer(client, target.id, 'hello');
    expect(result).toMatchObject({ status: 'completed', route: 'direct', text: 'at my new address' });
    expect(proxyPosts(target.id)).toHaveLength(0);
    expect(peer.requests).toHaveLength(1);
    expect(
      (peer.requests[0]?.json as { params: { message: { messageId: string } } } | undefined)?.params.message
        .messageId,
    ).toBe(result.messageId);
  });

  it.each([404, 405, 410, 421])(
    'a direct %i proves the message was not processed: invalidate, rediscover, proxy with the same messageId',
    async (status) => {
      const refusal = { status, json: { error: 'not found' } };
      // undici itself repeats a request answered 421 once, on a fresh connection.
      const refusals = status === 421 ? [refusal, refusal] : [refusal];
      peer.script(...refusals, agentReply('via the platform'));
      const { target, client } = await setup();
      const result = await callPeer(client, target.id, 'hello');
      // Rediscovery gave the same URL, so the proxy took it (and pushed to the peer's URL).
      expect(result).toMatchObject({ status: 'completed', route: 'proxy', text: 'via the platform' });
      expect(proxyPosts(target.id)).toHaveLength(1);
      const ids = peer.requests.map(
        (r) => (r.json as { params: { message: { messageId: string } } }).params.message.messageId,
      );
      expect(ids).toEqual([...refusals.map(() => result.messageId), result.messageId]);
      expect(env.sim.requests.filter((r) => r.path === `/registry/discover/${target.id}`)).toHaveLength(2);
    },
  );

  it('DNS failure (.invalid host) also falls back', async () => {
    peer.script(agentReply('ok'));
    const { target, client } = await setup();
    env.sim.setFaults({
      rules: [
        {
          path: '/registry/discover/:id',
          fault: {
            type: 'status',
            status: 200,
            body: { id: target.id, url: 'http://no-such-host.invalid/' },
          },
        },
      ],
    });
    expect((await callPeer(client, target.id, 'x')).route).toBe('proxy');
  });

  it('a direct timeout is TimeoutError and is NOT resent through the proxy (python sent it twice)', async () => {
    peer.script({ delayMs: 600, ...agentReply('late') });
    const { target, client } = await setup();
    const error = await callPeer(client, target.id, 'x', { timeoutMs: 100 }).catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain('may have been delivered');
    expect(proxyPosts(target.id)).toHaveLength(0);
  });

  it('a connection cut after sending is PeerUnreachableError(maybeDelivered) and NOT resent (python sent it twice)', async () => {
    peer.script({ destroy: true });
    const { target, client } = await setup();
    const error = await callPeer(client, target.id, 'x').catch((e) => e);
    expect(error).toBeInstanceOf(PeerUnreachableError);
    expect(error).toMatchObject({ maybeDelivered: true, route: 'direct', targetId: target.id });
    expect(proxyPosts(target.id)).toHaveLength(0);
  });

  it('an HTTP 500 from the peer is PeerRejectedError and NOT resent (python sent it twice)', async () => {
    peer.script({ status: 500, json: { error: 'boom' } });
    const { target, client } = await setup();
    const error = await callPeer(client, target.id, 'x').catch((e) => e);
    expect(error).toBeInstanceOf(PeerRejectedError);
    expect(error.httpStatus).toBe(500);
    expect(proxyPosts(target.id)).toHaveLength(0);
  });

  it('a non-JSON 200 from the peer is InvalidResponseError and NOT resent', async () => {
    peer.script({ text: '<html>ok</html>', headers: { 'content-type': 'text/html' } });
    const { target, client } = await setup();
    expect(await callPeer(client, target.id, 'x').catch((e) => e)).toBeInstanceOf(InvalidResponseError);
    expect(proxyPosts(target.id)).toHaveLength(0);
  });

  it("the peer's JSON-RPC error is PeerRejectedError with its code and message", async () => {
    peer.script({ json: { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } } });
    const { target, client } = await setup();
    const error = await callPeer(client, target.id, 'x').catch((e) => e);
    expect(error).toBeInstanceOf(PeerRejectedError);
    expect(error).toMatchObject({ rpcCode: -32601, rpcMessage: 'Method not found', route: 'direct' });
    expect(error.message).toContain('-32601');
  });

  it('the caller aborting the direct call is AbortError, no fallback', async () => {
    peer.script({ delayMs: 500, ...agentReply('late') });
    const { target, client } = await setup();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(
      await callPeer(client, target.id, 'x', { signal: controller.signal }).catch((e) => e),
    ).toBeInstanceOf(AbortError);
    expect(proxyPosts(target.id)).toHaveLength(0);
  });

  it('a discovery failure (500) falls back to the proxy instead of failing (python propagated it)', async () => {
    peer.script(agentReply('ok'));
    const { target, client } = await setup();
    env.sim.setFaults({
      rules: [
        { path: '/registry/discover/:id', fault: { type: 'status', status: 500, body: { error: 'x' } } },
      ],
    });
    expect((await callPeer(client, target.id, 'x')).route).toBe('proxy');
  });
});

describe('callPeer: through the proxy', () => {
  it('call_peer_proxy_only_when_prefer_direct_false: one proxy POST despite a cached URL; no discover', async () => {
    peer.script(agentReply('proxied'));
    const { me, target, client } = await setup();
    await client.getPeers();
    env.sim.clearRequests();
    const result = await callPeer(client, target.id, 'x', { preferDirect: false });
    expect(result).toMatchObject({ route: 'proxy', text: 'proxied' });
    expect(env.sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /workspaces/${target.id}/a2a`,
    ]);
    const headers = env.sim.requests[0]?.headers ?? {};
    expect(headers.authorization).toBe('Bearer [redacted]');
    expect(headers['x-workspace-id']).toBe(me.id);
    expect(headers['content-type']).toBe('application/json');
  });

  it('200_with_json_body_returns_result: the whole JSON-RPC response, the typed result and its text', async () => {
    peer.script(agentReply('42'));
    const { target, client } = await setup();
    const result = await callPeer(client, target.id, 'x', { preferDirect: false });
    if (result.status !== 'completed') throw new Error('expected a completed call');
    expect(result.response.jsonrpc).toBe('2.0');
    expect(result.result.kind).toBe('message');
    expect(result.text).toBe('42');
  });

  it('a Task result: text comes from the artifacts', async () => {
    peer.script({
      json: {
        jsonrpc: '2.0',
        id: 1,
        result: {
          kind: 'task',
          id: 't1',
          contextId: 'c1',
          status: { state: 'completed' },
          artifacts: [{ artifactId: 'a', parts: [{ kind: 'text', text: 'done' }] }],
        },
      },
    });
    const { target, client } = await setup();
    const result = await callPeer(client, target.id, 'x', { preferDirect: false });
    expect(result).toMatchObject({ status: 'completed', text: 'done', result: { kind: 'task' } });
  });

  it('a busy target (connection reset) is queued by the platform: a typed "queued" result', async () => {
    peer.script({ destroy: true });
    const { target, client } = await setup();
    const result = await callPeer(client, target.id, 'x', { preferDirect: false });
    expect(result).toMatchObject({ status: 'queued', route: 'proxy', queueDepth: 1 });
    if (result.status === 'queued') expect(result.queueId).toMatch(/.+/);
  });

  it('503 busy with Retry-After → PeerBusyError with retryAfterMs', async () => {
    const { target, client } = await setup();
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/a2a',
          fault: {
            type: 'status',
            status: 503,
            headers: { 'Retry-After': '30' },
            body: {
              error: 'workspace agent busy — retry after a short backoff',
              busy: true,
              retry_after: 30,
            },
          },
        },
      ],
    });
    const error = await callPeer(client, target.id, 'x', { preferDirect: false }).catch((e) => e);
    expect(error).toBeInstanceOf(PeerBusyError);
    expect(error).toMatchObject({ status: 503, retryAfterMs: 30_000, targetId: target.id });
  });

  it('a hibernating target → PeerBusyError with the 15 s Retry-After', async () => {
    const { target, client } = await setup();
    await env.sim.admin.hibernate(target.id);
    const error = await callPeer(client, target.id, 'x', { preferDirect: false }).catch((e) => e);
    expect(error).toBeInstanceOf(PeerBusyError);
    expect(error.retryAfterMs).toBe(15_000);
  });

  it('503_service_unavailable: a paused target has no URL → PeerUnreachableError naming 503', async () => {
    const { target, client } = await setup();
    await env.sim.admin.pause(target.id);
    const error = await callPeer(client, target.id, 'x', { preferDirect: false }).catch((e) => e);
    expect(error).toBeInstanceOf(PeerUnreachableError);
    expect(error).toMatchObject({ status: 503, route: 'proxy', maybeDelivered: false });
    expect(error.message).toContain('503');
    expect(error.message).toContain('workspace has no URL');
  });

  it('502_bad_gateway_includes_context: the platform cannot reach the agent → PeerUnreachableError with 502', async () => {
    const dead = await closedPort();
    const { target, client } = await setup(`http://localhost:${dead}`);
    const error = await callPeer(client, target.id, 'x', { preferDirect: false }).catch((e) => e);
    expect(error).toBeInstanceOf(PeerUnreachableError);
    expect(error.message).toContain('502');
  });

  it('500_internal_error_raises: ServerError naming 500', async () => {
    const { target, client } = await setup();
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/a2a',
          fault: { type: 'status', status: 500, body: { error: 'lookup failed' } },
        },
      ],
    });
    const error = await callPeer(client, target.id, 'x', { preferDirect: false }).catch((e) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error.message).toContain('500');
  });

  it('401_on_call_peer_surfaces_with_auth_context: a wrong caller token → AuthenticationError naming 401', async () => {
    const { target } = await setup();
    const me = await workspaceWithToken(env.sim);
    const { client } = clientFor(env.url, me.id, {
      storedToken: 'WrongToken_0123456789abcdefghijklmnopqrstuv',
    });
    const error = await callPeer(client, target.id, 'x', { preferDirect: false }).catch((e) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain('401');
    expect(error.message).toContain('invalid caller auth token');
    expect(error.message).not.toContain('WrongToken');
  });

  it('403_on_call_peer_surfaces_with_diagnostic_info: outside the hierarchy → PermissionDeniedError naming 403', async () => {
    const parentA = await env.sim.admin.createWorkspace({ external: true, url: 'http://localhost:1' });
    const parentB = await env.sim.admin.createWorkspace({ external: true, url: 'http://localhost:2' });
    const me = await workspaceWithToken(env.sim, { parentId: parentA.id });
    const other = await env.sim.admin.createWorkspace({
      external: true,
      url: `http://localhost:${peer.port}`,
      parentId: parentB.id,
    });
    const { client } = clientFor(env.url, me.id, { storedToken: me.token });
    const error = await callPeer(client, other.id, 'x', { preferDirect: false }).catch((e) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.message).toContain('403');
    expect(error.serverMessage).toContain('hierarchy');
  });

  it('http_timeout_propagates_as_readable_error: a slow proxy → TimeoutError naming the limit', async () => {
    const { target, client } = await setup();
    env.sim.setFaults({ rules: [{ path: '/workspaces/:id/a2a', fault: { type: 'latency', ms: 600 } }] });
    const error = await callPeer(client, target.id, 'x', { preferDirect: false, timeoutMs: 100 }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/within 100 ms/);
  });

  it('connection_refused_propagates_as_readable_error: platform down → ConnectionError', async () => {
    const dead = await closedPort();
    const { client } = clientFor(`http://127.0.0.1:${dead}`, crypto.randomUUID(), { storedToken: 'tok' });
    const error = await callPeer(client, crypto.randomUUID(), 'x', { preferDirect: false }).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain('failed before an answer arrived');
  });

  it('blank text is refused before any I/O', async () => {
    const { target, client } = await setup();
    env.sim.clearRequests();
    expect((await callPeer(client, target.id, '   ').catch((e) => e)).name).toBe('ConfigError');
    expect(env.sim.requests).toHaveLength(0);
  });
});

describe('sendMessage (replies to peers)', () => {
  it('POSTs message/send through /workspaces/<target>/a2a as this agent, role agent, with correlation fields', async () => {
    peer.script(agentReply('thanks'));
    const { me, target, client } = await setup();
    const result = await sendMessage(client, target.id, 'the answer', {
      metadata: { inReplyTo: 'm-1' },
      contextId: 'ctx-1',
      taskId: 'task-1',
    });
    expect(result).toMatchObject({ status: 'completed', route: 'proxy', text: 'thanks' });
    const request = proxyPosts(target.id)[0];
    expect(request?.headers['x-workspace-id']).toBe(me.id);
    expect(request?.headers['x-source-workspace-id']).toBe(me.id);
    expect(request?.headers.authorization).toBe('Bearer [redacted]');
    const pushed = peer.requests[0]?.json as { params: { message: Record<string, unknown> } };
    expect(pushed.params.message).toMatchObject({
      kind: 'message',
      role: 'agent',
      parts: [{ kind: 'text', text: 'the answer' }],
      metadata: { inReplyTo: 'm-1' },
      contextId: 'ctx-1',
      taskId: 'task-1',
      messageId: result.messageId,
    });
  });

  it('accepts parts (text and file) instead of a string', async () => {
    peer.script(agentReply('ok'));
    const { target, client } = await setup();
    await sendMessage(client, target.id, [
      { kind: 'text', text: 'see file' },
      { kind: 'file', file: { uri: 'https://files.example/a.txt', name: 'a.txt' } },
    ]);
    const pushed = peer.requests[0]?.json as { params: { message: { parts: unknown[] } } };
    expect(pushed.params.message.parts).toHaveLength(2);
  });

  it('a reply to a poll-only peer is "queued": the message waits in its activity feed, not an invalid response', async () => {
    await env.close();
    env = await startSim({ devMode: true, allowPlaceholderUrl: true });
    const { target, client } = await setup('remote://no-inbound');
    const result = await sendMessage(client, target.id, 'for the poller');
    expect(result).toMatchObject({ status: 'queued', route: 'proxy' });
    const row = env.sim.admin.activity(target.id)[0];
    expect(result.status === 'queued' && result.queueId).toBe(row?.id);
  });
});

describe('peer calls are functions of the client', () => {
  it('the client has no peer-call methods: a bundle without callPeer does not carry the A2A envelopes', async () => {
    const { client } = await setup();
    expect(client).not.toHaveProperty('callPeer');
    expect(client).not.toHaveProperty('sendMessage');
  });

  it('an object that is not a client made by createAgentClient is refused before any I/O', async () => {
    const { target, client } = await setup();
    env.sim.clearRequests();
    const lookalike = { ...client } as typeof client;
    for (const call of [
      () => callPeer(lookalike, target.id, 'x'),
      () => sendMessage(lookalike, target.id, 'x'),
    ]) {
      const error = await call().catch((e) => e);
      expect(error.name).toBe('ConfigError');
      expect(error.message).toBe('expected a client made by createAgentClient');
    }
    expect(env.sim.requests).toHaveLength(0);
    expect(peer.requests).toHaveLength(0);
  });
});
