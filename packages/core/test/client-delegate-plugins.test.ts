import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { BadRequestError, ConfigError, NotFoundError, ServerError, TimeoutError } from '../src/errors.js';
import { downloadPlugin, reportPluginInstall } from '../src/plugins/plugin-endpoints.js';
import { makeIdempotencyKey, sha256Hex } from '../src/util/idempotency-key.js';
import { clientFor, lastRequest, type SimHarness, startSim, workspaceWithToken } from './helpers/platform.js';
import { startScriptedServer } from './helpers/scripted-server.js';

let env: SimHarness;
beforeEach(async () => {
  env = await startSim({ devMode: true, delegationRetryDelayMs: 0 });
});
afterEach(async () => {
  await env.sim.settle();
  await env.close();
});

async function pair(options: Parameters<typeof clientFor>[2] = {}) {
  const me = await workspaceWithToken(env.sim);
  const target = await env.sim.admin.createWorkspace({ external: true, url: 'http://localhost:9/a2a' });
  return { me, target, ...clientFor(env.url, me.id, { storedToken: me.token, ...options }) };
}

describe('delegate', () => {
  it('delegate posts to /workspaces/<self>/delegate with target_id (python posted to the target and got 401)', async () => {
    const { me, target, client } = await pair();
    const result = await client.delegate('index the docs', target.id);
    expect(result).toMatchObject({ status: 'delegated', targetId: target.id, idempotentHit: false });
    expect(result.delegationId).toMatch(/.+/);
    const request = lastRequest(env.sim, `/workspaces/${me.id}/delegate`, 'POST');
    expect(request?.status).toBe(202);
    expect(request?.json).toEqual({
      target_id: target.id,
      task: 'index the docs',
      idempotency_key: result.idempotencyKey,
    });
  });

  it('delegate_posts_task_and_idempotency_key: the Python key of the task and the clock minute', async () => {
    const { target, client, clock } = await pair();
    const result = await client.delegate('index the docs', target.id);
    expect(result.idempotencyKey).toMatch(/^[0-9a-f]{64}$/);
    expect(result.idempotencyKey).toBe(await makeIdempotencyKey('index the docs', clock.now()));
  });

  it('the same task in the same minute is the same delegation on the platform (idempotent hit)', async () => {
    const peer = await startScriptedServer();
    onTestFinished(() => peer.close());
    peer.fallback = () => ({
      json: { jsonrpc: '2.0', id: 1, result: { kind: 'message', role: 'agent', messageId: 'r', parts: [] } },
    });
    const me = await workspaceWithToken(env.sim);
    const target = await env.sim.admin.createWorkspace({
      external: true,
      url: `http://localhost:${peer.port}`,
    });
    const { client, clock } = clientFor(env.url, me.id, { storedToken: me.token });
    const first = await client.delegate('same task', target.id);
    clock.advance(10_000);
    await env.sim.settle();
    const second = await client.delegate('same task', target.id);
    expect(second).toMatchObject({ delegationId: first.delegationId, idempotentHit: true });
    expect(second.idempotencyKey).toBe(first.idempotencyKey);
  });

  it('delegate_sends_explicit_idempotency_key verbatim', async () => {
    const { me, target, client } = await pair();
    await client.delegate('t', target.id, { idempotencyKey: 'my-key-1' });
    expect(lastRequest(env.sim, `/workspaces/${me.id}/delegate`)?.json).toMatchObject({
      idempotency_key: 'my-key-1',
    });
  });

  it('delegate_sends_bearer_and_workspace_headers', async () => {
    const { me, target, client } = await pair();
    await client.delegate('t', target.id);
    const headers = lastRequest(env.sim, `/workspaces/${me.id}/delegate`)?.headers;
    expect(headers?.authorization).toBe('Bearer [redacted]');
    expect(headers?.['x-workspace-id']).toBe(me.id);
  });

  it('delegate_raises_on_http_error: 500 → ServerError; self-delegation → BadRequestError', async () => {
    const { me, target, client } = await pair();
    expect(await client.delegate('t', me.id).catch((e) => e)).toBeInstanceOf(BadRequestError);
    env.sim.setFaults({
      rules: [{ path: '/workspaces/:id/delegate', fault: { type: 'status', status: 500 } }],
    });
    expect(await client.delegate('t', target.id).catch((e) => e)).toBeInstanceOf(ServerError);
  });

  it('delegate_allows_custom_timeout: a slow platform times out at the given limit, not at 300 s', async () => {
    const { target, client } = await pair();
    env.sim.setFaults({ rules: [{ path: '/workspaces/:id/delegate', fault: { type: 'latency', ms: 500 } }] });
    expect(await client.delegate('t', target.id, { timeoutMs: 100 }).catch((e) => e)).toBeInstanceOf(
      TimeoutError,
    );
  });

  it('delegate_default_timeout_is_300 s: the same slow platform is waited for', async () => {
    const { target, client } = await pair();
    env.sim.setFaults({ rules: [{ path: '/workspaces/:id/delegate', fault: { type: 'latency', ms: 300 } }] });
    expect((await client.delegate('t', target.id)).status).toBe('delegated');
  });

  it('with the wide preset, a 503 on delegate is retried (the key makes it safe); by default it is not', async () => {
    const rule = {
      path: '/workspaces/:id/delegate',
      count: 1,
      fault: { type: 'status' as const, status: 503 },
    };
    const narrow = await pair();
    env.sim.setFaults({ rules: [rule] });
    expect(await narrow.client.delegate('t', narrow.target.id).catch((e) => e)).toBeInstanceOf(ServerError);
    const wide = await pair({ retry: 'wide' });
    env.sim.setFaults({ rules: [rule] });
    expect((await wide.client.delegate('t', wide.target.id)).status).toBe('delegated');
    expect(wide.clock.sleeps).toEqual([1000]);
  });

  it('an empty task is refused before any I/O', async () => {
    const { target, client } = await pair();
    env.sim.clearRequests();
    expect(await client.delegate(' ', target.id).catch((e) => e)).toBeInstanceOf(ConfigError);
    expect(env.sim.requests).toHaveLength(0);
  });
});

describe('downloadPlugin and reportPluginInstall', () => {
  const files = { 'plugin.yaml': 'name: demo\n', 'rules/x.md': '# Rules\n' };

  it('install_plugin download: GET /plugins/<name>/download with the bearer; a stream, its length and headers', async () => {
    const { me, client } = await pair();
    await env.sim.admin.addPlugin('demo', files);
    const download = await downloadPlugin(client, 'demo');
    const bytes = new Uint8Array(await new Response(download.body).arrayBuffer());
    expect(download.contentLength).toBe(bytes.byteLength);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]); // gzip
    expect(download.headers.get('content-type')).toBe('application/gzip');
    expect(download.pluginName).toBe('demo');
    expect(download.pluginSource).toBe('local://demo');
    const request = lastRequest(env.sim, `/workspaces/${me.id}/plugins/demo/download`);
    expect(request?.headers.authorization).toBe('Bearer [redacted]');
    expect(request?.rawQuery).toBe('');
  });

  it('install_plugin_passes_source_query_when_given, URL-encoded (# as %23)', async () => {
    const { me, client } = await pair();
    await env.sim.admin.addGithubPlugin('acme/my-plugin', 'v1.0', files);
    const download = await downloadPlugin(client, 'my-plugin', { source: 'github://acme/my-plugin#v1.0' });
    await download.body.cancel();
    const request = lastRequest(env.sim, `/workspaces/${me.id}/plugins/my-plugin/download`);
    expect(request?.rawQuery).toBe('source=github%3A%2F%2Facme%2Fmy-plugin%23v1.0');
    expect(request?.query).toEqual({ source: 'github://acme/my-plugin#v1.0' });
  });

  it('the body is streamed, not buffered: a body that breaks mid-way fails while reading, not in downloadPlugin', async () => {
    const { client } = await pair();
    await env.sim.admin.addPlugin('demo', files);
    env.sim.setFaults({
      rules: [
        { path: '/workspaces/:id/plugins/:name/download', fault: { type: 'stream-error', afterBytes: 10 } },
      ],
    });
    const download = await downloadPlugin(client, 'demo');
    expect(download.contentLength).toBeGreaterThan(10);
    await expect(new Response(download.body).arrayBuffer()).rejects.toThrow();
  });

  it("the caller's signal still governs the streamed body after downloadPlugin returned", async () => {
    const { client } = await pair();
    await env.sim.admin.addPlugin('demo', files);
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/plugins/:name/download',
          fault: { type: 'slow-body', delayMs: 50, chunkBytes: 8 },
        },
      ],
    });
    const controller = new AbortController();
    const download = await downloadPlugin(client, 'demo', { signal: controller.signal });
    const reading = new Response(download.body).arrayBuffer();
    controller.abort();
    await expect(reading).rejects.toThrow();
  });

  it('a body that stalls after the headers fails with TimeoutError after pluginDownloadIdle (Python timed out; we hung)', async () => {
    const { me, client } = await pair({ timeouts: { pluginDownloadIdle: 150 } });
    await env.sim.admin.addPlugin('demo', files);
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/plugins/:name/download',
          fault: { type: 'slow-body', delayMs: 60_000, chunkBytes: 16 },
        },
      ],
    });
    const download = await downloadPlugin(client, 'demo');
    const error = await new Response(download.body).arrayBuffer().catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain('stalled');
    expect(error.path).toBe(`/workspaces/${me.id}/plugins/demo/download`);
  });

  it('install_plugin_404_raises: NotFoundError with the server text', async () => {
    const { client } = await pair();
    const error = await downloadPlugin(client, 'missing').catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.serverMessage).toContain('failed to fetch plugin');
  });

  it('a plugin name is one encoded path segment; "." and ".." are refused before any I/O', async () => {
    const { client } = await pair();
    env.sim.clearRequests();
    for (const name of ['..', '.', ''])
      expect(await downloadPlugin(client, name).catch((e) => e)).toBeInstanceOf(ConfigError);
    expect(env.sim.requests).toHaveLength(0);
    // "a/b" travels as the single segment a%2Fb; the platform refuses it, nothing escapes the route.
    expect([400, 404]).toContain((await downloadPlugin(client, 'a/b').catch((e) => e)).status);
  });

  it("reportPluginInstall tolerates the real server's 503 'workspace container not running': recorded false", async () => {
    const { me, client } = await pair();
    await env.sim.admin.addPlugin('demo', files);
    const sha256 = await sha256Hex(files['plugin.yaml']);
    const report = await reportPluginInstall(client, 'demo', { sha256 });
    expect(report).toEqual({ recorded: false, status: 503, reason: 'workspace container not running' });
    expect(lastRequest(env.sim, `/workspaces/${me.id}/plugins`, 'POST')?.json).toEqual({
      source: 'local://demo',
      sha256,
    });
  });

  it('reportPluginInstall: a 200 is recorded; other failures throw', async () => {
    const { client } = await pair();
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/plugins',
          method: 'POST',
          count: 1,
          fault: { type: 'status', status: 200, body: { status: 'installed', plugin: 'demo' } },
        },
      ],
    });
    expect(await reportPluginInstall(client, 'demo', { source: 'local://demo' })).toEqual({
      recorded: true,
      status: 200,
      reason: undefined,
    });
    expect(await reportPluginInstall(client, 'missing').catch((e) => e)).toBeInstanceOf(NotFoundError);
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/plugins',
          method: 'POST',
          fault: { type: 'status', status: 503, body: { error: 'other' } },
        },
      ],
    });
    expect(await reportPluginInstall(client, 'demo').catch((e) => e)).toBeInstanceOf(ServerError);
  });
});
