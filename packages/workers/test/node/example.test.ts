import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningExample, startExample } from '../../example/start-example.mjs';

// The example worker, run the way `pnpm --filter @molecule-ai/agent-workers example` runs it:
// the simulator on a real Node listener, the bundled worker in Miniflare (workerd), real HTTP both ways.
describe('the example worker in Miniflare against the simulator', () => {
  let example: RunningExample;

  beforeAll(async () => {
    example = await startExample();
  }, 60_000);

  afterAll(async () => {
    await example?.close();
  });

  it('declares a 1-minute cron in wrangler.jsonc', () => {
    expect(example.crons).toEqual(['* * * * *']);
  });

  it('registers on its first cron tick and keeps the token in its KV namespace', async () => {
    expect((await example.tick()).outcome).toBe('ok');
    const ws = example.sim.admin.workspace(example.workspaceId);
    expect(ws?.url).toMatch(/^http:\/\/localhost:\d+\/a2a\/[A-Za-z0-9_-]{32}$/);
    expect(ws?.liveTokens).toBe(1);
    const kv = await example.mf.getKVNamespace('AGENT_KV');
    expect(await kv.get(`molecule:token:${example.workspaceId}`)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('heartbeated: the workspace is online and its liveness key is set', () => {
    const ws = example.sim.admin.workspace(example.workspaceId);
    expect(ws).toMatchObject({ status: 'online', live: true });
    expect(ws?.lastHeartbeatAt).not.toBeNull();
    const heartbeats = example.sim.requests.filter((r) => r.path === '/registry/heartbeat');
    expect(heartbeats.map((r) => r.status)).toEqual([200]);
    expect(heartbeats[0]?.headers.authorization).toBe('Bearer [redacted]');
  });

  it('answers a canvas message pushed by the platform', async () => {
    const reply = await example.sendMessage('hello');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ result: { parts: [{ kind: 'text', text: 'echo: hello' }] } });
  });

  it('does not register again on a later tick (the loop state in KV says it is running)', async () => {
    expect((await example.tick()).outcome).toBe('ok');
    expect(example.sim.requests.filter((r) => r.path === '/registry/register')).toHaveLength(1);
    const kv = await example.mf.getKVNamespace('AGENT_KV');
    expect(JSON.parse((await kv.get(`molecule:loop:${example.workspaceId}`)) ?? 'null')).toMatchObject({
      stopped: null,
    });
  });
});
