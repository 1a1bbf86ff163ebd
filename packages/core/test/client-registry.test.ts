import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ConfigError,
  RateLimitError,
  ServerError,
  TokenLostError,
} from '../src/errors.js';
import { clientFor, lastRequest, type SimHarness, startSim, workspaceWithToken } from './helpers/platform.js';

let env: SimHarness;
beforeEach(async () => {
  env = await startSim({ allowPlaceholderUrl: true });
});
afterEach(async () => {
  await env.close();
});

const newId = (): string => crypto.randomUUID();

describe('register', () => {
  it('register_saves_token_when_issued: POSTs id, url and agent_card; saves and returns the issued token', async () => {
    const id = newId();
    const { client, store } = clientFor(env.url, id, { agentCard: { name: 'alpha', version: '1' } });
    const result = await client.register();
    expect(result.issued).toBe(true);
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.snapshot()[id]).toBe(result.token);
    const request = lastRequest(env.sim, '/registry/register', 'POST');
    expect(request?.json).toEqual({
      id,
      url: 'remote://no-inbound',
      agent_card: { name: 'alpha', version: '1' },
    });
  });

  it('register sends the Python default card {name: "remote-agent-<id[:8]>"} and reportedUrl when set', async () => {
    const id = newId();
    const { client } = clientFor(env.url, id, { reportedUrl: 'http://localhost:8123/a2a' });
    await client.register();
    expect(lastRequest(env.sim, '/registry/register')?.json).toEqual({
      id,
      url: 'http://localhost:8123/a2a',
      agent_card: { name: `remote-agent-${id.slice(0, 8)}` },
    });
    expect(env.sim.admin.workspace(id)?.agentCard).toEqual({ name: `remote-agent-${id.slice(0, 8)}` });
  });

  it('register_keeps_cached_token_when_platform_omits: a second register returns the saved token', async () => {
    const id = newId();
    const { client } = clientFor(env.url, id);
    const first = await client.register();
    const second = await client.register();
    expect(second).toEqual({ token: first.token, issued: false, status: 'registered' });
  });

  it('register sends no Authorization when no token is known (Python parity)', async () => {
    const { client } = clientFor(env.url, newId());
    await client.register();
    expect(lastRequest(env.sim, '/registry/register')?.headers.authorization).toBeUndefined();
  });

  it('register sends the known bearer, so a pre-minted workspace registers (Python got 401 here)', async () => {
    const { id, token } = await workspaceWithToken(env.sim);
    const { client } = clientFor(env.url, id, { token });
    const result = await client.register();
    expect(result).toEqual({ token, issued: false, status: 'registered' });
    expect(lastRequest(env.sim, '/registry/register')?.headers.authorization).toBe('Bearer [redacted]');
  });

  it('a lost token on a workspace that has one: TokenLostError saying exactly how to recover', async () => {
    const { id } = await workspaceWithToken(env.sim);
    const { client } = clientFor(env.url, id);
    const error = await client.register().catch((e) => e);
    expect(error).toBeInstanceOf(TokenLostError);
    expect(error.workspaceId).toBe(id);
    expect(error.cause).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain(`POST ${env.url}/workspaces/${id}/tokens`);
    expect(error.message).toContain('client.mintToken(adminToken)');
    expect(error.message).toContain('MOLECULE_WORKSPACE_TOKEN');
    expect(error.message).toContain('`token` option');
  });

  it('a 200 without a token and nothing saved: TokenLostError, not a silent success', async () => {
    env.sim.setFaults({
      rules: [
        {
          path: '/registry/register',
          fault: { type: 'status', status: 200, body: { status: 'registered' } },
        },
      ],
    });
    const { client } = clientFor(env.url, newId());
    expect(await client.register().catch((e) => e)).toBeInstanceOf(TokenLostError);
  });

  it('mintToken(adminToken) recovers a lost token: saved, then used', async () => {
    const { id } = await workspaceWithToken(env.sim);
    const { client, store } = clientFor(env.url, id);
    const { token } = await client.mintToken(env.sim.adminToken);
    expect(store.snapshot()[id]).toBe(token);
    const mint = lastRequest(env.sim, `/workspaces/${id}/tokens`, 'POST');
    expect(mint?.status).toBe(201);
    expect((await client.register()).issued).toBe(false);
    expect((await client.pollState()).status).toBe('online');
  });

  it('mintToken with a wrong admin token is an AuthenticationError that does not echo it', async () => {
    const { id } = await workspaceWithToken(env.sim);
    const { client } = clientFor(env.url, id);
    const wrong = 'WrongAdminToken_0123456789abcdefghijklmnopq';
    const error = await client.mintToken(wrong).catch((e) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(JSON.stringify(error.toJSON())).not.toContain(wrong);
    expect(error.message).not.toContain(wrong);
  });

  it('mintToken refuses an empty or multi-line admin token before any I/O', async () => {
    const { client } = clientFor(env.url, newId());
    for (const bad of ['', '  ', 'a b', 'abc\r\nX-Evil: 1']) {
      expect(await client.mintToken(bad).catch((e) => e)).toBeInstanceOf(ConfigError);
    }
    expect(env.sim.requests).toHaveLength(0);
  });

  it('register_http_error_propagates: 500 → ServerError', async () => {
    env.sim.setFaults({
      rules: [
        {
          path: '/registry/register',
          fault: { type: 'status', status: 500, body: { error: 'registration failed' } },
        },
      ],
    });
    const error = await clientFor(env.url, newId())
      .client.register()
      .catch((e) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error.message).toContain('500');
  });

  it('the real server refuses the remote://no-inbound placeholder: 400 BadRequestError', async () => {
    const strict = await startSim();
    try {
      const error = await clientFor(strict.url, newId())
        .client.register()
        .catch((e) => e);
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.serverMessage).toBe('invalid request body');
    } finally {
      await strict.close();
    }
  });

  it('never logs the token or a prefix of it', async () => {
    const { client, logger } = clientFor(env.url, newId());
    const { token } = await client.register();
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.text()).not.toContain(token.slice(0, 8));
    expect(JSON.stringify(client)).not.toContain(token.slice(0, 8));
  });

  it('register is never retried by default, even on 429', async () => {
    env.sim.setFaults({
      rules: [{ path: '/registry/register', fault: { type: 'rate-limit', retryAfter: 1 } }],
    });
    const { client, clock } = clientFor(env.url, newId());
    expect(await client.register().catch((e) => e)).toBeInstanceOf(RateLimitError);
    expect(clock.sleeps).toEqual([]);
  });
});

describe('heartbeat and update-card', () => {
  it('heartbeat_sends_full_payload: the six keys, integers, workspace_id and the bearer', async () => {
    const id = newId();
    const { client, clock } = clientFor(env.url, id);
    await client.register();
    clock.advance(5_900);
    await client.heartbeat({
      currentTask: 'indexing',
      activeTasks: 2.7,
      errorRate: 0.25,
      sampleError: 'oops',
    });
    const request = lastRequest(env.sim, '/registry/heartbeat');
    expect(request?.json).toEqual({
      workspace_id: id,
      current_task: 'indexing',
      active_tasks: 2,
      error_rate: 0.25,
      sample_error: 'oops',
      uptime_seconds: 5,
    });
    expect(request?.headers.authorization).toBe('Bearer [redacted]');
    expect(request?.status).toBe(200);
    expect(env.sim.admin.workspace(id)).toMatchObject({
      currentTask: 'indexing',
      activeTasks: 2,
      uptimeSeconds: 5,
    });
  });

  it('heartbeat defaults: empty task, zeros, and non-finite numbers become 0 (a float or null would be a 400)', async () => {
    const { client } = clientFor(env.url, newId());
    await client.register();
    await client.heartbeat({ activeTasks: Number.NaN, errorRate: Number.POSITIVE_INFINITY });
    expect(lastRequest(env.sim, '/registry/heartbeat')?.json).toMatchObject({
      current_task: '',
      active_tasks: 0,
      error_rate: 0,
      sample_error: '',
      uptime_seconds: 0,
    });
  });

  it('heartbeat passes runtime_state, monthly_spend (integer) and runtime_metadata through', async () => {
    const id = newId();
    const { client } = clientFor(env.url, id);
    await client.register();
    await client.heartbeat({
      runtimeState: 'wedged',
      monthlySpend: 12.9,
      runtimeMetadata: { capabilities: { session: true }, idle_timeout_seconds: 60 },
    });
    expect(lastRequest(env.sim, '/registry/heartbeat')?.json).toMatchObject({
      runtime_state: 'wedged',
      monthly_spend: 12,
      runtime_metadata: { capabilities: { session: true }, idle_timeout_seconds: 60 },
    });
    expect(env.sim.admin.workspace(id)?.capabilities).toEqual({ session: true });
  });

  it('heartbeat is not retried by default (503 surfaces at once), but the wide preset retries it', async () => {
    const rule = { path: '/registry/heartbeat', count: 1, fault: { type: 'status' as const, status: 503 } };
    env.sim.setFaults({ rules: [rule] });
    const narrow = clientFor(env.url, newId());
    await narrow.client.register();
    expect(await narrow.client.heartbeat().catch((e) => e)).toBeInstanceOf(ServerError);
    env.sim.setFaults({ rules: [rule] });
    const wide = clientFor(env.url, newId(), { retry: 'wide' });
    await wide.client.register();
    await wide.client.heartbeat();
    expect(wide.clock.sleeps).toEqual([1000]);
  });

  it('updateCard publishes the card and the next register sends it', async () => {
    const id = newId();
    const { client } = clientFor(env.url, id);
    await client.register();
    await client.updateCard({ name: 'renamed', skills: [] });
    expect(lastRequest(env.sim, '/registry/update-card')?.json).toEqual({
      workspace_id: id,
      agent_card: { name: 'renamed', skills: [] },
    });
    expect(env.sim.admin.workspace(id)?.agentCard).toEqual({ name: 'renamed', skills: [] });
    expect(client.agentCard).toEqual({ name: 'renamed', skills: [] });
    await client.register();
    expect(lastRequest(env.sim, '/registry/register')?.json).toMatchObject({
      agent_card: { name: 'renamed', skills: [] },
    });
  });
});
