import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  InvalidResponseError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
} from '../src/errors.js';
import { clientFor, lastRequest, type SimHarness, startSim, workspaceWithToken } from './helpers/platform.js';
import { type ScriptedServer, startScriptedServer } from './helpers/scripted-server.js';

let env: SimHarness;
beforeEach(async () => {
  env = await startSim();
});
afterEach(async () => {
  await env.close();
});

const AGENT_URL = 'https://agent.example/a2a';

async function agent(options: Parameters<typeof clientFor>[2] = {}) {
  const { id, token } = await workspaceWithToken(env.sim);
  return { id, token, ...clientFor(env.url, id, { storedToken: token, reportedUrl: AGENT_URL, ...options }) };
}

describe('pollState', () => {
  it('poll_state_returns_normal_state: status/paused/deleted mapped, shouldStop false', async () => {
    const { id, client } = await agent();
    await client.register();
    expect(await client.pollState()).toEqual({
      workspaceId: id,
      status: 'online',
      paused: false,
      deleted: false,
      shouldStop: false,
    });
    expect(lastRequest(env.sim, `/workspaces/${id}/state`)?.headers.authorization).toBe('Bearer [redacted]');
  });

  it('poll_state_detects_paused: paused → shouldStop true', async () => {
    const { id, client } = await agent();
    await client.register();
    await env.sim.admin.pause(id);
    expect(await client.pollState()).toMatchObject({ status: 'paused', paused: true, shouldStop: true });
  });

  it('workspace_state_should_stop_semantics: online/degraded keep going; paused and deleted stop', async () => {
    const { id, client } = await agent();
    await client.register();
    await env.sim.admin.setStatus(id, 'degraded');
    expect(await client.pollState()).toMatchObject({ status: 'degraded', shouldStop: false });
    await env.sim.admin.setStatus(id, 'online');
    expect(await client.pollState()).toMatchObject({ status: 'online', shouldStop: false });
  });

  it('poll_state_404_means_deleted only when the body says deleted:true', async () => {
    const { client } = await agent();
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/state',
          fault: {
            type: 'status',
            status: 404,
            body: { workspace_id: 'x', status: 'removed', deleted: true },
          },
        },
      ],
    });
    expect(await client.pollState()).toMatchObject({
      status: 'removed',
      deleted: true,
      paused: false,
      shouldStop: true,
    });
  });

  it('a 404 body with deleted:true but no status reads as "removed"', async () => {
    const { client } = await agent();
    env.sim.setFaults({
      rules: [
        { path: '/workspaces/:id/state', fault: { type: 'status', status: 404, body: { deleted: true } } },
      ],
    });
    expect(await client.pollState()).toMatchObject({ status: 'removed', deleted: true });
  });

  it('an empty-body 404 (TenantGuard / WAF misroute) is NotFoundError, not deletion (Python exited here)', async () => {
    const tenant = await startSim({ orgId: 'org-1' });
    try {
      const { id, token } = await workspaceWithToken(tenant.sim);
      const { client } = clientFor(tenant.url, id, { storedToken: token }); // no orgId: the guard rejects
      const error = await client.pollState().catch((e) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.body).toBeUndefined();
      expect(error.message).toContain('(empty body)');
    } finally {
      await tenant.close();
    }
  });

  it('a text 404 ("404 page not found") is NotFoundError, not deletion', async () => {
    const { client } = await agent();
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/state',
          fault: { type: 'replace-body', status: 404, body: '404 page not found', contentType: 'text/plain' },
        },
      ],
    });
    expect(await client.pollState().catch((e) => e)).toBeInstanceOf(NotFoundError);
  });

  it('after delete the token is revoked: 401 AuthenticationError (the loop decides "revoked")', async () => {
    const { id, client } = await agent();
    await client.register();
    await env.sim.admin.delete(id);
    expect(await client.pollState().catch((e) => e)).toBeInstanceOf(AuthenticationError);
  });

  it('poll_state_server_error_raises: 500 → ServerError', async () => {
    const { client } = await agent();
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/state',
          fault: { type: 'status', status: 500, body: { error: 'query failed' } },
        },
      ],
    });
    const error = await client.pollState().catch((e) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error.serverMessage).toBe('query failed');
  });

  it('a 200 whose fields have the wrong types is InvalidResponseError with issues', async () => {
    const { client } = await agent();
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/state',
          fault: { type: 'status', status: 200, body: { status: 'online', paused: 'no' } },
        },
      ],
    });
    const error = await client.pollState().catch((e) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.issues.join()).toContain('paused');
  });

  it('a 200 with malformed JSON is InvalidResponseError, not a crash', async () => {
    const { client } = await agent();
    env.sim.setFaults({ rules: [{ path: '/workspaces/:id/state', fault: { type: 'malformed-json' } }] });
    expect(await client.pollState().catch((e) => e)).toBeInstanceOf(InvalidResponseError);
  });

  it('a missing status reads as "unknown"; a null status too (Python made it "None")', async () => {
    const { client } = await agent();
    env.sim.setFaults({
      rules: [
        { path: '/workspaces/:id/state', fault: { type: 'status', status: 200, body: { status: null } } },
      ],
    });
    expect((await client.pollState()).status).toBe('unknown');
  });

  it('poll_state_retries_on_429_then_returns_state: Retry-After 2 → one 2 s sleep', async () => {
    const { client, clock } = await agent();
    await client.register();
    env.sim.setFaults({
      rules: [{ path: '/workspaces/:id/state', count: 1, fault: { type: 'rate-limit', retryAfter: 2 } }],
    });
    expect((await client.pollState()).status).toBe('online');
    expect(clock.sleeps).toEqual([2000]);
  });

  it('poll_state_429_exhausts_retries_raises: 4 GETs then RateLimitError with retryAfterMs', async () => {
    const { id, client, clock } = await agent();
    env.sim.setFaults({
      rules: [{ path: '/workspaces/:id/state', fault: { type: 'rate-limit', retryAfter: 3 } }],
    });
    const error = await client.pollState().catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(3000);
    expect(env.sim.requests.filter((r) => r.path === `/workspaces/${id}/state`)).toHaveLength(4);
    expect(clock.sleeps).toEqual([3000, 3000, 3000]);
  });

  it('poll_state_404_does_not_retry: one GET', async () => {
    const { id, client, clock } = await agent();
    env.sim.setFaults({
      rules: [
        { path: '/workspaces/:id/state', fault: { type: 'status', status: 404, body: { deleted: true } } },
      ],
    });
    expect((await client.pollState()).deleted).toBe(true);
    expect(env.sim.requests.filter((r) => r.path === `/workspaces/${id}/state`)).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('Retry-After: 0 from the limiter retries at once by default (Python parity)', async () => {
    const { client, clock } = await agent();
    env.sim.setFaults({
      rules: [{ path: '/workspaces/:id/state', count: 1, fault: { type: 'rate-limit', retryAfter: 0 } }],
    });
    await client.pollState();
    expect(clock.sleeps).toEqual([0]);
  });
});

describe('pullSecrets', () => {
  it('pull_secrets_sends_bearer_token: GET /workspaces/<id>/secrets/values returns the flat object', async () => {
    const { id, client } = await agent();
    await env.sim.admin.setGlobalSecrets({ SHARED: 'g', OVERRIDE: 'global' });
    await env.sim.admin.setSecrets(id, { OPENAI_API_KEY: 'sk-1', OVERRIDE: 'mine' });
    expect(await client.pullSecrets()).toEqual({ SHARED: 'g', OVERRIDE: 'mine', OPENAI_API_KEY: 'sk-1' });
    expect(lastRequest(env.sim, `/workspaces/${id}/secrets/values`)?.headers.authorization).toBe(
      'Bearer [redacted]',
    );
  });

  it('pull_secrets_empty_body_yields_empty_dict: null → {}', async () => {
    const { client } = await agent();
    env.sim.setFaults({
      rules: [{ path: '/workspaces/:id/secrets/values', fault: { type: 'replace-body', body: 'null' } }],
    });
    expect(await client.pullSecrets()).toEqual({});
  });

  it('pull_secrets_401_raises: no token → AuthenticationError (the route is strict)', async () => {
    const { id } = await workspaceWithToken(env.sim);
    const { client } = clientFor(env.url, id);
    expect(await client.pullSecrets().catch((e) => e)).toBeInstanceOf(AuthenticationError);
  });

  it('pull_secrets_retries_on_429: Retry-After 3 → [3 s]', async () => {
    const { client, clock } = await agent();
    env.sim.setFaults({
      rules: [
        { path: '/workspaces/:id/secrets/values', count: 1, fault: { type: 'rate-limit', retryAfter: 3 } },
      ],
    });
    expect(await client.pullSecrets()).toEqual({});
    expect(clock.sleeps).toEqual([3000]);
  });

  it('a non-string secret value is InvalidResponseError', async () => {
    const { client } = await agent();
    env.sim.setFaults({
      rules: [
        { path: '/workspaces/:id/secrets/values', fault: { type: 'status', status: 200, body: { A: 1 } } },
      ],
    });
    expect(await client.pullSecrets().catch((e) => e)).toBeInstanceOf(InvalidResponseError);
  });
});

describe('tenant headers and Origin', () => {
  it('org_id_injected_when_configured: X-Molecule-Org-Id and Origin = the platform origin on every call, register included', async () => {
    const tenant = await startSim({ orgId: 'org-42' });
    try {
      const { id, token } = await workspaceWithToken(tenant.sim);
      const { client } = clientFor(tenant.url, id, {
        storedToken: token,
        orgId: 'org-42',
        reportedUrl: AGENT_URL,
      });
      await client.register();
      await client.heartbeat();
      await client.pullSecrets();
      expect((await client.pollState()).status).toBe('online');
      for (const path of ['/registry/register', '/registry/heartbeat', `/workspaces/${id}/secrets/values`]) {
        const headers = lastRequest(tenant.sim, path)?.headers;
        expect(headers?.['x-molecule-org-id']).toBe('org-42');
        expect(headers?.origin).toBe(tenant.url);
      }
    } finally {
      await tenant.close();
    }
  });

  it('no_tenant_headers_when_unconfigured: no orgId → no org header and no Origin by default (a mismatched Origin gets an empty 403 from CORS)', async () => {
    const { id, client } = await agent();
    await client.pollState();
    const headers = lastRequest(env.sim, `/workspaces/${id}/state`)?.headers;
    expect(headers?.['x-molecule-org-id']).toBeUndefined();
    expect(headers?.origin).toBeUndefined();
  });

  it("origin '' = the platform origin (Python's default, opt-in here); never the URL's path", async () => {
    const { id, client } = await agent({ origin: '', platformUrl: `${env.url}/` });
    await client.pollState();
    expect(lastRequest(env.sim, `/workspaces/${id}/state`)?.headers.origin).toBe(env.url);
  });

  it('origin_none_opts_out: null → no Origin even with orgId', async () => {
    const tenant = await startSim({ orgId: 'org-9' });
    try {
      const { id, token } = await workspaceWithToken(tenant.sim);
      const { client } = clientFor(tenant.url, id, { storedToken: token, orgId: 'org-9', origin: null });
      await client.pollState();
      const headers = lastRequest(tenant.sim, `/workspaces/${id}/state`)?.headers;
      expect(headers?.origin).toBeUndefined();
      expect(headers?.['x-molecule-org-id']).toBe('org-9');
    } finally {
      await tenant.close();
    }
  });

  it('origin_explicit_overrides_auto: a string is sent verbatim; a mismatched one gets the empty CORS 403, typed', async () => {
    const { id, client } = await agent({ origin: 'https://evil.example' });
    const error = await client.pollState().catch((e) => e);
    expect(lastRequest(env.sim, `/workspaces/${id}/state`)?.headers.origin).toBe('https://evil.example');
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.body).toBeUndefined();
  });
});

describe('paths and a platform URL with a prefix', () => {
  let raw: ScriptedServer;
  beforeEach(async () => {
    raw = await startScriptedServer();
  });
  afterEach(async () => {
    await raw.close();
  });

  it('an id that is not a UUID is refused before any request, with the id and the expected shape', () => {
    for (const id of ['a/b?c#d e', 'ws-1', '0b9f6a3e-5c1d-4e7a-9b2f-3c4d5e6f7a8', '']) {
      expect(() => clientFor(raw.url, id, { storedToken: 'tok' })).toThrowError(
        /workspaceId must be a workspace id, a UUID such as .*copy it from the workspace's page/,
      );
    }
    expect(() => clientFor(raw.url, 'ws-1')).toThrowError(/got "ws-1"/);
    expect(raw.requests).toHaveLength(0);
    // Any case is accepted, as the platform does.
    expect(() => clientFor(raw.url, '0B9F6A3E-5C1D-4E7A-9B2F-3C4D5E6F7A8B')).not.toThrow();
  });

  it('a path prefix in platformUrl is kept, trailing slashes dropped', async () => {
    raw.script({ json: { status: 'online' } });
    const id = '0b9f6a3e-5c1d-4e7a-9b2f-3c4d5e6f7a8b';
    const { client } = clientFor(`${raw.url}/molecule//`, id, { storedToken: 'tok' });
    expect(client.platformUrl).toBe(`${raw.url}/molecule`);
    await client.pollState();
    expect(raw.requests[0]?.path).toBe(`/molecule/workspaces/${id}/state`);
  });
});
