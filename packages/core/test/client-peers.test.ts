import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RateLimitError } from '../src/errors.js';
import { clientFor, lastRequest, type SimHarness, startSim, workspaceWithToken } from './helpers/platform.js';

let env: SimHarness;
beforeEach(async () => {
  env = await startSim({ devMode: true, allowPlaceholderUrl: true });
});
afterEach(async () => {
  await env.close();
});

async function self(options: Parameters<typeof clientFor>[2] = {}) {
  const { id, token } = await workspaceWithToken(env.sim);
  return { id, ...clientFor(env.url, id, { storedToken: token, ...options }) };
}

const discoverCount = (id: string): number =>
  env.sim.requests.filter((r) => r.path === `/registry/discover/${id}`).length;

describe('getPeers', () => {
  it('get_peers_seeds_cache: rows become PeerInfo, http URLs are cached, bearer and X-Workspace-ID sent', async () => {
    const me = await self();
    const a = await env.sim.admin.createWorkspace({
      external: true,
      url: 'http://localhost:7001',
      name: 'alpha',
      role: 'writer',
    });
    const b = await env.sim.admin.createWorkspace({
      external: true,
      url: 'https://beta.example/a2a',
      name: 'beta',
    });
    const peers = await me.client.getPeers();
    const byId = Object.fromEntries(peers.map((p) => [p.id, p]));
    expect(byId[a.id]).toMatchObject({
      id: a.id,
      name: 'alpha',
      role: 'writer',
      url: 'http://localhost:7001',
      status: 'online',
    });
    expect(byId[b.id]?.url).toBe('https://beta.example/a2a');
    const request = lastRequest(env.sim, `/registry/${me.id}/peers`);
    expect(request?.headers.authorization).toBe('Bearer [redacted]');
    expect(request?.headers['x-workspace-id']).toBe(me.id);
    expect(await me.client.discoverPeer(a.id)).toBe('http://localhost:7001/');
    expect(await me.client.discoverPeer(b.id)).toBe('https://beta.example/a2a');
    expect(discoverCount(a.id) + discoverCount(b.id)).toBe(0);
  });

  it('get_peers_skips_non_http_urls_in_cache: remote://no-inbound is listed but not cached', async () => {
    const me = await self();
    const poll = await workspaceWithToken(env.sim);
    await clientFor(env.url, poll.id, { storedToken: poll.token }).client.register(); // url remote://no-inbound
    const peers = await me.client.getPeers();
    expect(peers.find((p) => p.id === poll.id)?.url).toBe('remote://no-inbound');
    // Not cached, so discover asks the platform, which refuses the URL (503, thrown as ServerError).
    expect((await me.client.discoverPeer(poll.id).catch((e) => e)).status).toBe(503);
    expect(discoverCount(poll.id)).toBe(1);
  });

  it('peer_info defaults: role "", tier 2, status "unknown", agentCard {} (null fields included)', async () => {
    const me = await self();
    const id = crypto.randomUUID();
    env.sim.setFaults({
      rules: [
        {
          path: '/registry/:id/peers',
          fault: { type: 'status', status: 200, body: [{ id, role: null, agent_card: null, tier: null }] },
        },
      ],
    });
    expect(await me.client.getPeers()).toEqual([
      {
        id,
        name: '',
        url: '',
        role: '',
        tier: 2,
        status: 'unknown',
        agentCard: {},
        parentId: null,
        activeTasks: 0,
      },
    ]);
  });

  it('malformed rows are dropped with a debug log, the good ones kept (Python crashed on non-dict rows)', async () => {
    const me = await self();
    env.sim.setFaults({
      rules: [
        {
          path: '/registry/:id/peers',
          fault: {
            type: 'status',
            status: 200,
            body: [42, 'x', null, { name: 'no id' }, { id: 'p1', tier: 'high' }, { id: 'p2', tier: 1.9 }],
          },
        },
      ],
    });
    const peers = await me.client.getPeers();
    expect(peers.map((p) => [p.id, p.tier])).toEqual([['p2', 1]]);
    expect(me.logger.lines.filter((l) => l.message === 'dropping a malformed peer row')).toHaveLength(5);
  });

  it('a null body is an empty list; a non-list body is InvalidResponseError', async () => {
    const me = await self();
    env.sim.setFaults({
      rules: [{ path: '/registry/:id/peers', count: 1, fault: { type: 'replace-body', body: 'null' } }],
    });
    expect(await me.client.getPeers()).toEqual([]);
    env.sim.setFaults({
      rules: [{ path: '/registry/:id/peers', fault: { type: 'status', status: 200, body: { peers: [] } } }],
    });
    expect((await me.client.getPeers().catch((e) => e)).name).toBe('InvalidResponseError');
  });

  it('passes the q filter', async () => {
    const me = await self();
    await env.sim.admin.createWorkspace({ external: true, url: 'http://localhost:7001', name: 'Writer bot' });
    await env.sim.admin.createWorkspace({ external: true, url: 'http://localhost:7002', name: 'reader' });
    const peers = await me.client.getPeers({ q: 'writer' });
    expect(peers.map((p) => p.name)).toEqual(['Writer bot']);
    expect(lastRequest(env.sim, `/registry/${me.id}/peers`)?.query).toEqual({ q: 'writer' });
  });

  it('get_peers_retries_on_429_exponential_backoff: [1 s, 2 s] without Retry-After', async () => {
    const me = await self();
    env.sim.setFaults({
      rules: [{ path: '/registry/:id/peers', count: 2, fault: { type: 'status', status: 429, body: {} } }],
    });
    expect(await me.client.getPeers()).toEqual([]);
    expect(me.clock.sleeps).toEqual([1000, 2000]);
  });
});

describe('discoverPeer', () => {
  it('discover_peer_cache_miss_hits_platform: GET /registry/discover/<id> with X-Workspace-ID; URL cached', async () => {
    const me = await self();
    const peer = await env.sim.admin.createWorkspace({ external: true, url: 'http://localhost:7003/a2a' });
    expect(await me.client.discoverPeer(peer.id)).toBe('http://localhost:7003/a2a');
    const request = lastRequest(env.sim, `/registry/discover/${peer.id}`);
    expect(request?.headers['x-workspace-id']).toBe(me.id);
    expect(request?.headers.authorization).toBe('Bearer [redacted]');
    await me.client.discoverPeer(peer.id);
    expect(discoverCount(peer.id)).toBe(1);
  });

  it('discover_peer_cache_hit: a fresh entry is returned without a request', async () => {
    const me = await self();
    const peer = await env.sim.admin.createWorkspace({ external: true, url: 'http://localhost:7003' });
    await me.client.getPeers();
    env.sim.clearRequests();
    expect(await me.client.discoverPeer(peer.id)).toBe('http://localhost:7003/');
    expect(env.sim.requests).toHaveLength(0);
  });

  it('discover_peer_expired_cache_refreshes: after the TTL the platform is asked again and the entry replaced', async () => {
    const me = await self({ peerCacheTtlMs: 60_000 });
    const peer = await env.sim.admin.createWorkspace({ external: true, url: 'http://localhost:7003' });
    await me.client.discoverPeer(peer.id);
    me.clock.advance(59_999);
    await me.client.discoverPeer(peer.id);
    expect(discoverCount(peer.id)).toBe(1);
    me.clock.advance(1);
    await me.client.discoverPeer(peer.id);
    expect(discoverCount(peer.id)).toBe(2);
  });

  it('discover_peer_404_returns_none', async () => {
    const me = await self();
    env.sim.setFaults({
      rules: [
        {
          path: '/registry/discover/:id',
          fault: { type: 'status', status: 404, body: { error: 'workspace not found' } },
        },
      ],
    });
    expect(await me.client.discoverPeer(crypto.randomUUID())).toBeNull();
  });

  it('an unknown or forbidden target is 403 on the real server: null too (documented)', async () => {
    const strict = await startSim();
    try {
      const { id, token } = await workspaceWithToken(strict.sim);
      const { client } = clientFor(strict.url, id, { storedToken: token });
      expect(await client.discoverPeer(crypto.randomUUID())).toBeNull();
      expect(strict.sim.requests.at(-1)?.status).toBe(403);
    } finally {
      await strict.close();
    }
  });

  it('a non-http(s) or credentialed URL is null and not cached', async () => {
    const me = await self();
    const id = crypto.randomUUID();
    for (const url of [
      'remote://no-inbound',
      'ftp://x.example/',
      'http://user:pw@x.example/',
      'not a url',
      '',
    ]) {
      env.sim.setFaults({
        rules: [
          {
            path: '/registry/discover/:id',
            count: 1,
            fault: { type: 'status', status: 200, body: { id, url } },
          },
        ],
      });
      expect(await me.client.discoverPeer(id)).toBeNull();
    }
    expect(discoverCount(id)).toBe(5);
  });

  it('invalidate_peer_url_drops_cache_entry: the next discover asks again; a second invalidate is harmless', async () => {
    const me = await self();
    const peer = await env.sim.admin.createWorkspace({ external: true, url: 'http://localhost:7003' });
    await me.client.discoverPeer(peer.id);
    me.client.invalidatePeer(peer.id);
    me.client.invalidatePeer(peer.id);
    await me.client.discoverPeer(peer.id);
    expect(discoverCount(peer.id)).toBe(2);
  });

  it('discover_peer_retries_on_429_then_returns_url: Retry-After 1 → [1 s]', async () => {
    const me = await self();
    const peer = await env.sim.admin.createWorkspace({ external: true, url: 'http://localhost:7003' });
    env.sim.setFaults({
      rules: [{ path: '/registry/discover/:id', count: 1, fault: { type: 'rate-limit', retryAfter: 1 } }],
    });
    expect(await me.client.discoverPeer(peer.id)).toBe('http://localhost:7003/');
    expect(me.clock.sleeps).toEqual([1000]);
  });

  it('discover_peer_404_after_429_returns_none: two GETs', async () => {
    const me = await self();
    const id = crypto.randomUUID();
    env.sim.setFaults({
      rules: [
        { path: '/registry/discover/:id', count: 1, fault: { type: 'rate-limit', retryAfter: 1 } },
        {
          path: '/registry/discover/:id',
          fault: { type: 'status', status: 404, body: { error: 'workspace not found' } },
        },
      ],
    });
    expect(await me.client.discoverPeer(id)).toBeNull();
    expect(discoverCount(id)).toBe(2);
  });

  it('discover_peer_429_exhausts_retries_raises: 4 GETs then RateLimitError', async () => {
    const me = await self();
    const id = crypto.randomUUID();
    env.sim.setFaults({
      rules: [{ path: '/registry/discover/:id', fault: { type: 'status', status: 429, body: {} } }],
    });
    expect(await me.client.discoverPeer(id).catch((e) => e)).toBeInstanceOf(RateLimitError);
    expect(discoverCount(id)).toBe(4);
    expect(me.clock.sleeps).toEqual([1000, 2000, 4000]);
  });
});
