import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import {
  type RunningDurableExample,
  type RunningExample,
  startDurableExample,
  startExample,
} from '../../example/start-example.mjs';

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

// The Durable Object variant (`example -- --durable`): the same, with wrangler.durable.jsonc's
// Durable Object binding, two workspaces in one Worker, and real alarms in workerd.
describe('the Durable Object example in Miniflare against the simulator', () => {
  let example: RunningDurableExample;

  beforeAll(async () => {
    example = await startDurableExample();
  }, 60_000);

  afterAll(async () => {
    await example?.close();
  });

  it('declares the Durable Object binding and its SQLite migration in wrangler.durable.jsonc', () => {
    const config = unstable_readConfig(
      { config: fileURLToPath(new URL('../../example/wrangler.durable.jsonc', import.meta.url)) },
      { hideWarnings: true },
    );
    expect(config.durable_objects.bindings).toEqual([{ name: 'AGENTS', class_name: 'MoleculeAgent' }]);
    expect(config.migrations).toEqual([{ tag: 'v1', new_sqlite_classes: ['MoleculeAgent'] }]);
  });

  it('starts both agents from the cron; their first alarms register each workspace once', async () => {
    expect((await example.startAll()).outcome).toBe('ok');
    await example.whenOnline();
    for (const id of example.workspaceIds) {
      const ws = example.sim.admin.workspace(id);
      expect(ws).toMatchObject({ status: 'online', live: true, liveTokens: 1 });
      expect(ws?.url).toMatch(new RegExp(`^http://localhost:\\d+/a2a/${id}/[A-Za-z0-9_-]{43}$`));
      const registers = example.sim.requests.filter(
        (r) => r.path === '/registry/register' && (r.json as { id?: string }).id === id,
      );
      expect(registers.map((r) => r.status)).toEqual([200]);
    }
  });

  it("answers each workspace's pushed message from its own object", async () => {
    for (const id of example.workspaceIds) {
      const reply = await example.sendMessage(id, 'hello');
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        result: { parts: [{ kind: 'text', text: `echo from ${id.slice(0, 8)}: hello` }] },
      });
    }
  });

  it('reports each object running with its next alarm (heartbeat, /state) about 30 s ahead', async () => {
    for (const id of example.workspaceIds) {
      const status = await example.control(id, 'status');
      expect(status).toMatchObject({ workspaceId: id, running: true, stopReason: null, registered: true });
      expect((status.nextAlarmAt ?? 0) - Date.now()).toBeGreaterThan(20_000);
    }
  });
});

// The README's one-minute wrangler.jsonc (examples/): wrangler reads it, and it binds what the
// one-minute agent's Env (examples/worker.ts) names, with the 1-minute cron the agent needs.
describe("the README's wrangler.jsonc", () => {
  it('is a wrangler config for src/worker.ts with the KV namespace, the cron and the vars of its Env', () => {
    const config = unstable_readConfig(
      { config: fileURLToPath(new URL('../../examples/wrangler.jsonc', import.meta.url)) },
      { hideWarnings: true },
    );
    expect(config.main?.endsWith('/examples/src/worker.ts')).toBe(true);
    expect(config.kv_namespaces.map((kv: { binding: string }) => kv.binding)).toEqual(['AGENT_KV']);
    expect(config.triggers.crons).toEqual(['* * * * *']);
    // PUSH_SECRET is a secret (`wrangler secret put`), never a var.
    expect(Object.keys(config.vars).sort()).toEqual(['PLATFORM_URL', 'PUBLIC_URL', 'WORKSPACE_ID']);
  });
});
