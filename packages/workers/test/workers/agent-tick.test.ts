import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from 'cloudflare:test';
import type { InboundMessage } from '@molecule-ai/agent-core';
import { describe, expect, it } from 'vitest';
import { defineAgentWorker } from '../../src/index.js';
import { clock, PLATFORM_URL, sim, simFetch } from './support/platform.js';
import { cronTick, definePollAgent, newWorkspace, requestsFor } from './support/poll-agent.js';

const MINUTE = 60_000;

describe('a cron tick of a poll-only Worker agent (workerd, KV, simulator)', () => {
  it('registers once, keeps the token in KV, and heartbeats the simulator', async () => {
    const { id, env: testEnv } = await newWorkspace();
    const report = await cronTick(definePollAgent(), testEnv);

    expect(report).toMatchObject({ workspaceId: id, result: 'ran', registered: true, stopReason: null });
    expect(report.tick?.plan).toEqual({ heartbeat: true, deliver: true, pollState: true });
    expect(report.tick?.outcome.heartbeat).toEqual({ ok: true });
    const token = await env.AGENT_KV.get(`molecule:token:${id}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sim.admin.workspace(id)).toMatchObject({ status: 'online', live: true, liveTokens: 1 });
    expect(sim.admin.workspace(id)?.lastHeartbeatAt).toBe(clock.now());
    expect(requestsFor(id, 'POST', '/registry/register')).toHaveLength(1);
    expect(requestsFor(id, 'POST', '/registry/heartbeat').map((r) => r.status)).toEqual([200]);
  });

  it('reads the token back from KV in a later invocation: no second register, authorised calls', async () => {
    const { id, env: testEnv } = await newWorkspace();
    await cronTick(definePollAgent(), testEnv);
    clock.advance(MINUTE);
    // A new agent object: nothing survives in memory, as in a fresh isolate.
    const report = await cronTick(definePollAgent(), testEnv);

    expect(report).toMatchObject({ result: 'ran', registered: false, stopReason: null });
    expect(requestsFor(id, 'POST', '/registry/register')).toHaveLength(1);
    const heartbeats = requestsFor(id, 'POST', '/registry/heartbeat');
    expect(heartbeats.map((r) => r.status)).toEqual([200, 200]);
    expect(heartbeats[1]?.headers.authorization).toBe('Bearer [redacted]');
    expect(requestsFor(id, 'GET', '/workspaces/:id/state').map((r) => r.status)).toEqual([200, 200]);
    // The uptime is counted from the first tick, not from this invocation.
    expect(heartbeats[1]?.json).toMatchObject({ uptime_seconds: 60 });
  });

  it('runs through the real `scheduled` entry point', async () => {
    const { id, env: testEnv } = await newWorkspace();
    const reports: unknown[] = [];
    const agent = definePollAgent();
    const ctx = createExecutionContext();
    await agent.scheduled(
      createScheduledController({ cron: '* * * * *', scheduledTime: clock.now() }),
      testEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    reports.push(await env.AGENT_KV.get(`molecule:loop:${id}`));
    expect(requestsFor(id, 'POST', '/registry/heartbeat')).toHaveLength(1);
    expect(JSON.parse(String(reports[0]))).toMatchObject({ iteration: 1, stopped: null });
  });

  it('keeps the platform liveness key (180 s TTL) alive with a 1-minute cron, and loses it without', async () => {
    const { id, env: testEnv } = await newWorkspace();
    for (let minute = 0; minute < 6; minute++) {
      await cronTick(definePollAgent(), testEnv);
      clock.advance(MINUTE);
      expect(sim.admin.workspace(id)).toMatchObject({ status: 'online', live: true });
    }
    clock.advance(2 * MINUTE); // now 181 s since the last heartbeat... and one more second
    clock.advance(1_000);
    expect(sim.admin.workspace(id)?.live).toBe(false);
  });

  it('answers a polled canvas message through notify, and writes the cursor once, only when it changed', async () => {
    const { id, env: testEnv } = await newWorkspace();
    const handled: InboundMessage[] = [];
    await cronTick(definePollAgent(handled), testEnv);
    await sim.admin.sendCanvasMessage(id, 'hello worker');
    clock.advance(MINUTE);

    const second = await cronTick(definePollAgent(handled), testEnv);
    expect(handled.map((m) => [m.text, m.delivery, m.source])).toEqual([
      ['hello worker', 'poll', 'canvas_user'],
    ]);
    expect(sim.admin.notifications(id).map((n) => n.message)).toEqual(['echo: hello worker']);
    expect(second.cursorWrites).toBe(1);
    const saved = JSON.parse((await env.AGENT_KV.get(`molecule:cursor:${id}`)) ?? 'null');
    expect(saved.seen).toContain(handled[0]?.activityId);

    // The next tick moves the cursor past the agent's own notify row (skipped, never handled);
    // after that, a tick with nothing new writes nothing.
    clock.advance(MINUTE);
    await cronTick(definePollAgent(handled), testEnv);
    clock.advance(MINUTE);
    const quiet = await cronTick(definePollAgent(handled), testEnv);
    expect(handled).toHaveLength(1); // never handled again in a later invocation
    expect(quiet.cursorWrites).toBe(0);
  });

  it('an idle tick of a healthy agent writes nothing to KV; a failure and the recovery are written', async () => {
    const { id, env: testEnv } = await newWorkspace();
    const puts: string[] = [];
    // The real KV namespace, with its writes counted.
    const counted = {
      get: (key: string) => env.AGENT_KV.get(key),
      put: (key: string, value: string) => {
        puts.push(key);
        return env.AGENT_KV.put(key, value);
      },
      delete: (key: string) => env.AGENT_KV.delete(key),
    };
    const agent = () =>
      defineAgentWorker<typeof testEnv>({
        workspaceId: (e) => e.WORKSPACE_ID,
        platformUrl: () => PLATFORM_URL,
        kv: () => counted,
        platformFetch: () => simFetch,
        clock,
        handler: () => undefined,
      });
    const first = await cronTick(agent(), testEnv);
    expect(first.loopStateWrites).toBe(1);
    expect(puts).toEqual([`molecule:token:${id}`, `molecule:loop:${id}`]);
    const savedLoop = await env.AGENT_KV.get(`molecule:loop:${id}`);

    puts.length = 0;
    for (let minute = 0; minute < 3; minute++) {
      clock.advance(MINUTE);
      const idle = await cronTick(agent(), testEnv);
      expect(idle.tick?.plan).toEqual({ heartbeat: true, deliver: true, pollState: true });
      expect(idle).toMatchObject({ result: 'ran', loopStateWrites: 0, cursorWrites: 0 });
    }
    expect(puts).toEqual([]);
    expect(await env.AGENT_KV.get(`molecule:loop:${id}`)).toBe(savedLoop);
    expect(requestsFor(id, 'POST', '/registry/heartbeat').map((r) => r.status)).toEqual([200, 200, 200, 200]);

    // A failed heartbeat changes what the next tick decides (a backoff): written.
    sim.setFaults({
      rules: [{ method: 'POST', path: '/registry/heartbeat', fault: { type: 'status', status: 500 } }],
    });
    clock.advance(MINUTE);
    const failed = await cronTick(agent(), testEnv);
    sim.setFaults();
    expect(failed.loopStateWrites).toBe(1);
    expect(JSON.parse((await env.AGENT_KV.get(`molecule:loop:${id}`)) ?? 'null').heartbeat.failures).toBe(1);
    clock.advance(10 * MINUTE);
    const recovered = await cronTick(agent(), testEnv);
    expect(recovered.tick?.outcome.heartbeat).toEqual({ ok: true });
    expect(recovered.loopStateWrites).toBe(1);
    expect(JSON.parse((await env.AGENT_KV.get(`molecule:loop:${id}`)) ?? 'null').heartbeat.failures).toBe(0);
  });

  it('stops on pause, records why in KV, and the next tick sends nothing', async () => {
    const { id, env: testEnv } = await newWorkspace();
    await cronTick(definePollAgent(), testEnv);
    await sim.admin.pause(id);
    clock.advance(MINUTE);

    const paused = await cronTick(definePollAgent(), testEnv);
    expect(paused).toMatchObject({ result: 'ran', stopReason: 'paused' });
    expect(paused.tick?.next.action).toBe('stop');
    expect(JSON.parse((await env.AGENT_KV.get(`molecule:stopped:${id}`)) ?? 'null')).toEqual({
      reason: 'paused',
      atMs: clock.now(),
    });

    const before = sim.requests.length;
    clock.advance(MINUTE);
    const after = await cronTick(definePollAgent(), testEnv);
    expect(after).toMatchObject({ result: 'skipped', stopReason: 'paused', registered: false, tick: null });
    expect(sim.requests.length).toBe(before);
  });

  it('works again after the workspace is resumed and `resume(env)` is called', async () => {
    const { id, env: testEnv } = await newWorkspace();
    await cronTick(definePollAgent(), testEnv);
    await sim.admin.pause(id);
    clock.advance(MINUTE);
    await cronTick(definePollAgent(), testEnv);
    await sim.admin.resume(id);
    await definePollAgent().resume(testEnv);
    clock.advance(MINUTE);

    const report = await cronTick(definePollAgent(), testEnv);
    expect(report).toMatchObject({ result: 'ran', registered: true, stopReason: null });
    expect(sim.admin.workspace(id)).toMatchObject({ status: 'online', live: true });
    expect(requestsFor(id, 'POST', '/registry/register')).toHaveLength(2);
  });

  it('stops after delete (revoked token) and never registers or heartbeats again', async () => {
    const { id, env: testEnv } = await newWorkspace();
    await cronTick(definePollAgent(), testEnv);
    await sim.admin.delete(id);

    let report = await cronTick(definePollAgent(), testEnv);
    for (let tick = 0; tick < 10 && report.stopReason === null; tick++) {
      clock.advance(MINUTE);
      report = await cronTick(definePollAgent(), testEnv);
    }
    expect(report.stopReason).toBe('revoked');
    expect(await env.AGENT_KV.get(`molecule:stopped:${id}`)).toContain('revoked');

    const registers = requestsFor(id, 'POST', '/registry/register').length;
    const heartbeats = requestsFor(id, 'POST', '/registry/heartbeat').length;
    for (let tick = 0; tick < 3; tick++) {
      clock.advance(MINUTE);
      expect(await cronTick(definePollAgent(), testEnv)).toMatchObject({
        result: 'skipped',
        stopReason: 'revoked',
      });
    }
    expect(requestsFor(id, 'POST', '/registry/register')).toHaveLength(registers);
    expect(requestsFor(id, 'POST', '/registry/heartbeat')).toHaveLength(heartbeats);
    expect(registers).toBe(1);
  });

  it('reports a failed first register and tries again on the next tick', async () => {
    const { id, env: testEnv } = await newWorkspace();
    sim.setFaults({
      rules: [{ method: 'POST', path: '/registry/register', fault: { type: 'status', status: 503 } }],
    });
    const failed = await cronTick(definePollAgent(), testEnv);
    sim.setFaults();
    expect(failed.result).toBe('failed');
    expect(failed.error).toBeDefined();
    expect(await env.AGENT_KV.get(`molecule:loop:${id}`)).toBeNull();

    clock.advance(MINUTE);
    expect(await cronTick(definePollAgent(), testEnv)).toMatchObject({ result: 'ran', registered: true });
  });

  it('registers (with no bearer to lose) instead of heartbeating when this location cannot see the token yet', async () => {
    const { id, env: testEnv } = await newWorkspace();
    await cronTick(definePollAgent(), testEnv);
    const key = `molecule:token:${id}`;
    const token = (await env.AGENT_KV.get(key)) ?? '';
    // KV is eventually consistent: a tick in another location may not see the token for a while.
    await env.AGENT_KV.delete(key);
    clock.advance(MINUTE);

    const blind = await cronTick(definePollAgent(), testEnv);
    expect(blind).toMatchObject({ result: 'failed', stopReason: null });
    expect((blind.error as Error).name).toBe('TokenLostError');
    expect(requestsFor(id, 'POST', '/registry/heartbeat')).toHaveLength(1); // no heartbeat without the token
    expect(await env.AGENT_KV.get(`molecule:stopped:${id}`)).toBeNull();
    expect(sim.admin.workspace(id)?.liveTokens).toBe(1); // nothing was minted twice

    await env.AGENT_KV.put(key, token); // the write arrives
    clock.advance(MINUTE);
    const seen = await cronTick(definePollAgent(), testEnv);
    expect(seen).toMatchObject({ result: 'ran', registered: false, stopReason: null });
    expect(requestsFor(id, 'POST', '/registry/heartbeat').map((r) => r.status)).toEqual([200, 200]);
  });

  it('uses a pre-minted token from env, and never writes it to KV', async () => {
    const { id, token } = await sim.admin.createWorkspace({ external: true });
    const testEnv = { ...env, WORKSPACE_ID: id };
    const agent = defineAgentWorker<typeof testEnv>({
      workspaceId: (e) => e.WORKSPACE_ID,
      platformUrl: () => PLATFORM_URL,
      kv: (e) => e.AGENT_KV,
      token: () => token,
      platformFetch: () => simFetch,
      clock,
      handler: () => undefined,
    });
    const report = await cronTick(agent, testEnv);
    expect(report).toMatchObject({ result: 'ran', registered: true, stopReason: null });
    expect(
      requestsFor(id, 'POST', '/registry/register').map((r) => [r.status, r.headers.authorization]),
    ).toEqual([[200, 'Bearer [redacted]']]);
    expect(await env.AGENT_KV.get(`molecule:token:${id}`)).toBeNull();
    expect(sim.admin.workspace(id)).toMatchObject({ status: 'online', live: true });
  });
});

/** The real KV namespace of the tests, with every read and write recorded. */
function countedKv(): { kv: KVNamespace; gets: string[]; puts: string[] } {
  const gets: string[] = [];
  const puts: string[] = [];
  const kv = {
    get: (key: string) => {
      gets.push(key);
      return env.AGENT_KV.get(key);
    },
    put: (key: string, value: string) => {
      puts.push(key);
      return env.AGENT_KV.put(key, value);
    },
    delete: (key: string) => env.AGENT_KV.delete(key),
  } as unknown as KVNamespace;
  return { kv, gets, puts };
}

/** A poll-only agent on `kv`, defined once and ticked many times: one warm isolate. */
function warmAgent(kv: KVNamespace, handled: InboundMessage[] = []) {
  return defineAgentWorker<Cloudflare.Env & { WORKSPACE_ID: string }>({
    workspaceId: (e) => e.WORKSPACE_ID,
    platformUrl: () => PLATFORM_URL,
    kv: () => kv,
    platformFetch: () => simFetch,
    clock,
    handler: (message) => {
      handled.push(message);
    },
  });
}

describe('an isolate that stays warm between cron ticks (KV stays the source of truth)', () => {
  it('an idle tick reads only the loop state key and writes nothing', async () => {
    const { id, env: testEnv } = await newWorkspace();
    const { kv, gets, puts } = countedKv();
    const agent = warmAgent(kv);
    await cronTick(agent, testEnv);
    gets.length = 0;
    puts.length = 0;
    for (let minute = 0; minute < 3; minute++) {
      clock.advance(MINUTE);
      const idle = await cronTick(agent, testEnv);
      expect(idle.tick?.outcome).toMatchObject({ heartbeat: { ok: true }, delivery: { ok: true } });
    }
    expect(gets).toEqual([`molecule:loop:${id}`, `molecule:loop:${id}`, `molecule:loop:${id}`]);
    expect(puts).toEqual([]);
    expect(requestsFor(id, 'GET', '/workspaces/:id/state').map((r) => r.status)).toEqual([
      200, 200, 200, 200,
    ]);
  });

  it('within one isolate, a tick sooner than the intervals does not repeat what was just done', async () => {
    const { id, env: testEnv } = await newWorkspace();
    const agent = warmAgent(countedKv().kv);
    await cronTick(agent, testEnv);
    clock.advance(MINUTE);
    await cronTick(agent, testEnv);
    clock.advance(5_000);
    const soon = await cronTick(agent, testEnv);
    expect(soon.tick?.plan).toEqual({ heartbeat: false, deliver: false, pollState: false });
    expect(requestsFor(id, 'POST', '/registry/heartbeat')).toHaveLength(2);
  });

  it('two isolates taking turns never handle a message twice: a written cursor changes the loop state', async () => {
    const { id, env: testEnv } = await newWorkspace();
    const handled: InboundMessage[] = [];
    const a = warmAgent(countedKv().kv, handled);
    const b = warmAgent(countedKv().kv, handled);
    await cronTick(a, testEnv);
    clock.advance(MINUTE);
    await cronTick(b, testEnv);
    clock.advance(MINUTE);
    await cronTick(a, testEnv); // both isolates now remember the same cursor

    await sim.admin.sendCanvasMessage(id, 'first');
    clock.advance(MINUTE);
    const byB = await cronTick(b, testEnv);
    expect(byB).toMatchObject({ cursorWrites: 1, loopStateWrites: 1 });
    clock.advance(MINUTE);
    await cronTick(a, testEnv); // reads the cursor B wrote
    await sim.admin.sendCanvasMessage(id, 'second');
    clock.advance(MINUTE);
    await cronTick(a, testEnv);
    clock.advance(MINUTE);
    await cronTick(b, testEnv);
    clock.advance(MINUTE);
    await cronTick(a, testEnv);
    expect(handled.map((m) => m.text)).toEqual(['first', 'second']);
  });

  it('a stop written by another isolate is seen: no request after it', async () => {
    const { id, env: testEnv } = await newWorkspace();
    const warm = warmAgent(countedKv().kv);
    await cronTick(warm, testEnv);
    await sim.admin.pause(id);
    clock.advance(MINUTE);
    expect(await cronTick(definePollAgent(), testEnv)).toMatchObject({ stopReason: 'paused' });
    const before = sim.requests.length;
    clock.advance(MINUTE);
    expect(await cronTick(warm, testEnv)).toMatchObject({ result: 'skipped', stopReason: 'paused' });
    expect(sim.requests.length).toBe(before);
  });

  it('a resume called elsewhere is seen: the warm isolate registers anew', async () => {
    const { id, env: testEnv } = await newWorkspace();
    const warm = warmAgent(countedKv().kv);
    await cronTick(warm, testEnv);
    await definePollAgent().resume(testEnv);
    clock.advance(MINUTE);
    expect(await cronTick(warm, testEnv)).toMatchObject({ result: 'ran', registered: true });
    expect(requestsFor(id, 'POST', '/registry/register')).toHaveLength(2);
  });

  it('a 401 drops the remembered token: the next tick uses the token another writer put in KV', async () => {
    const { id, env: testEnv } = await newWorkspace();
    const agent = warmAgent(countedKv().kv);
    await cronTick(agent, testEnv);
    // An operator rotates the token: mints a new one, stores it in KV, revokes the old one.
    const rotated = await sim.admin.mintToken(id);
    await env.AGENT_KV.put(`molecule:token:${id}`, rotated);
    const auth = { Authorization: `Bearer ${rotated}` };
    const listed = (await (
      await simFetch(`${PLATFORM_URL}/workspaces/${id}/tokens`, { headers: auth })
    ).json()) as {
      tokens: { id: string }[];
    };
    const old = listed.tokens[1]?.id;
    const revoked = await simFetch(`${PLATFORM_URL}/workspaces/${id}/tokens/${old}`, {
      method: 'DELETE',
      headers: auth,
    });
    expect(revoked.status).toBe(200);

    clock.advance(MINUTE);
    const refused = await cronTick(agent, testEnv);
    expect(refused.tick?.outcome.heartbeat).toMatchObject({ ok: false, failure: { kind: 'unauthorized' } });
    clock.advance(MINUTE);
    const seen = await cronTick(agent, testEnv);
    expect(seen.tick?.outcome.heartbeat).toEqual({ ok: true });
    expect(seen.tick?.outcome.state).toMatchObject({ kind: 'state' });
    expect(requestsFor(id, 'POST', '/registry/heartbeat').map((r) => r.status)).toEqual([200, 401, 200]);
  });
});
