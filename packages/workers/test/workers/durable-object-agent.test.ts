import { abortAllDurableObjects, env, runDurableObjectAlarm, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ADOPTED_STOP_REASON, defineAgentWorker } from '../../src/index.js';
import { pollAgents, pushAgents } from './fixture-worker.js';
import {
  durableClock as clock,
  crashOn,
  durableSimFetch,
  handled,
  durableRequestsFor as requestsFor,
  durableSim as sim,
} from './support/durable.js';
import { fireAlarm, newServedWorkspace, objectOf, storedIn, storedKeys } from './support/durable-agents.js';

const SECOND = 1_000;

const textsOf = (workspaceId: string): string[] =>
  handled.filter((h) => h.workspaceId === workspaceId).map((h) => h.text);

async function startedPollAgent(): Promise<{ id: string; stub: DurableObjectStub }> {
  const id = await newServedWorkspace();
  await pollAgents.start(env, id);
  const stub = objectOf(env.POLL_AGENTS, id);
  const first = await fireAlarm(stub);
  expect(first).toMatchObject({ result: 'ran', registered: true, stopReason: null });
  return { id, stub };
}

describe('a Durable Object agent on alarms (workerd, DO storage, simulator)', () => {
  it('starts with one alarm, registers once, and keeps the token in the object', async () => {
    const id = await newServedWorkspace();
    const status = await pollAgents.start(env, id);
    expect(status).toEqual({
      workspaceId: id,
      running: true,
      nextAlarmAt: clock.now(),
      stopReason: null,
      registered: false,
    });
    expect(await pollAgents.start(env, id)).toEqual(status); // idempotent

    const stub = objectOf(env.POLL_AGENTS, id);
    const report = await fireAlarm(stub);
    expect(report).toMatchObject({ workspaceId: id, result: 'ran', registered: true });
    expect(report?.tick?.plan).toEqual({ heartbeat: true, deliver: true, pollState: true });
    expect(await storedIn<string>(stub, `token:${id}`)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sim.admin.workspace(id)).toMatchObject({ status: 'online', live: true, liveTokens: 1 });
    // The next alarm is the poll's, 5 s later (the core's cadence).
    expect(await pollAgents.status(env, id)).toMatchObject({
      running: true,
      registered: true,
      nextAlarmAt: clock.now() + 5 * SECOND,
    });

    clock.advance(5 * SECOND);
    expect(await fireAlarm(stub)).toMatchObject({ registered: false });
    expect(requestsFor(id, 'POST', '/registry/register')).toHaveLength(1);
  });

  it('polls every 5 s and heartbeats and reads /state every 30 s, on its own alarms', async () => {
    const { id, stub } = await startedPollAgent();
    const plans: string[] = [];
    for (let alarm = 0; alarm < 12; alarm++) {
      const next = (await pollAgents.status(env, id)).nextAlarmAt;
      expect(next).not.toBeNull();
      clock.advance((next ?? 0) - clock.now());
      const plan = (await fireAlarm(stub))?.tick?.plan;
      plans.push(`${plan?.heartbeat ? 'H' : ''}${plan?.deliver ? 'D' : ''}${plan?.pollState ? 'S' : ''}`);
    }
    // t = 5 .. 60 s: a poll at every alarm, heartbeat and state at 30 and 60 s.
    expect(plans).toEqual(['D', 'D', 'D', 'D', 'D', 'HDS', 'D', 'D', 'D', 'D', 'D', 'HDS']);
    expect(requestsFor(id, 'POST', '/registry/heartbeat').map((r) => r.status)).toEqual([200, 200, 200]);
    expect(requestsFor(id, 'GET', '/workspaces/:id/state')).toHaveLength(3);
    // The uptime is the loop's, across alarms.
    expect(requestsFor(id, 'POST', '/registry/heartbeat').at(-1)?.json).toMatchObject({ uptime_seconds: 60 });
  });

  it('answers a polled message through notify, and saves the cursor with the handled id', async () => {
    const { id, stub } = await startedPollAgent();
    await sim.admin.sendCanvasMessage(id, 'hello object');
    clock.advance(5 * SECOND);
    const report = await fireAlarm(stub);
    expect(textsOf(id)).toEqual(['hello object']);
    expect(sim.admin.notifications(id).map((n) => n.message)).toEqual([
      `${id.slice(0, 8)} echo: hello object`,
    ]);
    expect(report?.cursorWrites).toBeGreaterThanOrEqual(1);
    const saved = await storedIn<{ cursor: string; seen: string[] }>(stub, `cursor:${id}`);
    expect(saved?.seen).toHaveLength(1);
    expect(saved?.cursor).toBe(saved?.seen[0]);
  });

  it('stops its alarms when the workspace is paused, and resume (an authenticated call) starts them again', async () => {
    const { id, stub } = await startedPollAgent();
    await sim.admin.pause(id);
    clock.advance(30 * SECOND);
    const paused = await fireAlarm(stub);
    expect(paused).toMatchObject({ result: 'ran', stopReason: 'paused' });
    expect(await pollAgents.status(env, id)).toMatchObject({
      running: false,
      nextAlarmAt: null,
      stopReason: 'paused',
    });
    expect(await runDurableObjectAlarm(stub)).toBe(false); // no alarm left
    const before = sim.requests.length;
    clock.advance(10 * 60 * SECOND);
    expect(await pollAgents.start(env, id)).toMatchObject({ running: false, stopReason: 'paused' }); // start does not undo a stop
    expect(sim.requests.length).toBe(before);

    await sim.admin.resume(id);
    const resumed = await pollAgents.resume(env, id);
    expect(resumed).toMatchObject({ running: true, stopReason: null, registered: false });
    expect(await fireAlarm(stub)).toMatchObject({ result: 'ran', registered: true, stopReason: null });
    expect(sim.admin.workspace(id)).toMatchObject({ status: 'online', live: true });
  });

  it('stops its alarms after delete (the token is revoked) and never registers again', async () => {
    const { id, stub } = await startedPollAgent();
    await sim.admin.delete(id);
    let report = await fireAlarm(stub);
    for (let alarm = 0; alarm < 20 && report?.stopReason === null; alarm++) {
      clock.advance(((await pollAgents.status(env, id)).nextAlarmAt ?? clock.now()) - clock.now());
      report = await fireAlarm(stub);
    }
    expect(report?.stopReason).toBe('revoked');
    expect(await pollAgents.status(env, id)).toMatchObject({ running: false, stopReason: 'revoked' });
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    expect(requestsFor(id, 'POST', '/registry/register')).toHaveLength(1);
  });

  it('backs off after a failed first register (the core backoff) and registers on a later alarm', async () => {
    const id = await newServedWorkspace();
    await pollAgents.start(env, id);
    const stub = objectOf(env.POLL_AGENTS, id);
    sim.setFaults({
      rules: [{ method: 'POST', path: '/registry/register', fault: { type: 'status', status: 503 } }],
    });
    const failed = await fireAlarm(stub);
    sim.setFaults();
    expect(failed?.result).toBe('failed');
    const retryAt = (await pollAgents.status(env, id)).nextAlarmAt ?? 0;
    // A 503: retried after the heartbeat interval with equal jitter (15-30 s), never at once.
    expect(retryAt - clock.now()).toBeGreaterThanOrEqual(15 * SECOND);
    expect(retryAt - clock.now()).toBeLessThanOrEqual(30 * SECOND);
    clock.advance(retryAt - clock.now());
    expect(await fireAlarm(stub)).toMatchObject({ result: 'ran', registered: true });
  });

  it('loses nothing and repeats at most the one message in flight when the object crashes', async () => {
    const { id, stub } = await startedPollAgent();
    for (const text of ['one', 'two', 'three']) await sim.admin.sendCanvasMessage(id, text);
    crashOn.add('two');

    clock.advance(5 * SECOND);
    // "two" is handled by the user's code, then the object dies before recording it.
    await expect(runDurableObjectAlarm(stub)).rejects.toThrow();
    expect(textsOf(id)).toEqual(['one', 'two']);
    // A stub of a crashed object stays broken; the Worker's next call gets a fresh one.
    const revived = objectOf(env.POLL_AGENTS, id);
    const saved = await storedIn<{ seen: string[] }>(revived, `cursor:${id}`);
    expect(saved?.seen).toHaveLength(1); // "one" is recorded as handled, "two" is not

    // The watchdog alarm, set before the work, brings the object back.
    expect(await pollAgents.status(env, id)).toMatchObject({ running: true });
    clock.advance(60 * SECOND);
    expect(await fireAlarm(revived)).toMatchObject({ result: 'ran', registered: false });
    expect(textsOf(id)).toEqual(['one', 'two', 'two', 'three']);

    // A crash after a finished alarm repeats nothing.
    await abortAllDurableObjects();
    clock.advance(5 * SECOND);
    expect(await fireAlarm(objectOf(env.POLL_AGENTS, id))).toMatchObject({ result: 'ran' });
    expect(textsOf(id)).toEqual(['one', 'two', 'two', 'three']);
    expect(sim.admin.notifications(id).map((n) => n.message.split(': ')[1])).toEqual(['one', 'two', 'three']);
  });

  it('serves two workspaces in one Worker from two objects that stay apart', async () => {
    const a = await startedPollAgent();
    const b = await startedPollAgent();
    expect(a.stub.id.toString()).not.toBe(b.stub.id.toString());
    await sim.admin.sendCanvasMessage(a.id, 'for a');
    await sim.admin.sendCanvasMessage(b.id, 'for b');
    clock.advance(5 * SECOND);
    await fireAlarm(a.stub);
    expect(textsOf(a.id)).toEqual(['for a']);
    expect(textsOf(b.id)).toEqual([]);
    await fireAlarm(b.stub);
    expect(textsOf(b.id)).toEqual(['for b']);

    const tokenA = await storedIn<string>(a.stub, `token:${a.id}`);
    const tokenB = await storedIn<string>(b.stub, `token:${b.id}`);
    expect(tokenA).not.toBe(tokenB);
    // Each object holds its own workspace's keys only.
    for (const { id, stub } of [a, b]) {
      expect((await storedKeys(stub)).sort()).toEqual(['cursor:' + id, 'loop', 'token:' + id, 'workspace']);
      expect(await storedIn<string>(stub, 'workspace')).toBe(id);
    }
    // An object refuses a request for another workspace (a wrong route never mixes their state).
    const misrouted = await a.stub.fetch('https://agent.internal/status', {
      method: 'POST',
      headers: { 'x-molecule-agent-op': 'status', 'x-molecule-workspace-id': b.id },
    });
    expect(misrouted.status).toBe(409);
  });

  it('takes over the token and cursor a cron + KV agent kept in KV, on its first start', async () => {
    const id = await newServedWorkspace();
    const kvAgent = defineAgentWorker<Cloudflare.Env>({
      workspaceId: () => id,
      platformUrl: (e) => e.PLATFORM_URL,
      kv: (e) => e.AGENT_KV,
      platformFetch: () => durableSimFetch,
      clock,
      handler: () => undefined,
    });
    const ctx = { waitUntil: () => {} };
    expect(await kvAgent.tick(env, ctx)).toMatchObject({ result: 'ran', registered: true });
    const kvToken = await env.AGENT_KV.get(`molecule:token:${id}`);
    expect(kvToken).toBeTruthy();

    await pollAgents.start(env, id);
    const stub = objectOf(env.POLL_AGENTS, id);
    expect(await fireAlarm(stub)).toMatchObject({ result: 'ran', registered: true });
    expect(await storedIn<string>(stub, `token:${id}`)).toBe(kvToken);
    // The register carried the adopted token: nothing new was minted.
    const registers = requestsFor(id, 'POST', '/registry/register');
    expect(registers.map((r) => [r.status, r.headers.authorization])).toEqual([
      [200, undefined],
      [200, 'Bearer [redacted]'],
    ]);
    expect(sim.admin.workspace(id)).toMatchObject({ liveTokens: 1, live: true });
    // The cron + KV agent stands down.
    expect(JSON.parse((await env.AGENT_KV.get(`molecule:stopped:${id}`)) ?? 'null')).toMatchObject({
      reason: ADOPTED_STOP_REASON,
    });
    // Its loop state is removed, so its still warm isolate (the same kvAgent) reads the marker.
    expect(await env.AGENT_KV.get(`molecule:loop:${id}`)).toBeNull();
    clock.advance(60 * SECOND);
    expect(await kvAgent.tick(env, ctx)).toMatchObject({ result: 'skipped' });
  });
});

describe('pushed messages to Durable Object agents (SELF, simulator)', () => {
  it('routes each pushed request to its workspace object; the reply is the JSON-RPC response', async () => {
    const ids = [await newServedWorkspace(), await newServedWorkspace()];
    for (const id of ids) {
      await pushAgents.start(env, id);
      expect(await fireAlarm(objectOf(env.AGENTS, id))).toMatchObject({ registered: true });
      const path = await pushAgents.pushPath(env, id);
      expect(path).toMatch(new RegExp(`^/a2a/${id}/[A-Za-z0-9_-]{43}$`));
      expect(sim.admin.workspace(id)?.url).toBe(`https://agent.example${path}`);
    }
    for (const id of ids) {
      const { status, body } = await sim.admin.sendCanvasMessage(id, `ping ${id.slice(0, 4)}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        jsonrpc: '2.0',
        result: {
          kind: 'message',
          role: 'agent',
          parts: [{ kind: 'text', text: `${id.slice(0, 8)} echo: ping ${id.slice(0, 4)}` }],
        },
      });
      expect(handled.filter((h) => h.workspaceId === id).map((h) => h.delivery)).toEqual(['push']);
    }
    // A push agent's alarms only heartbeat and watch /state (30 s), they never poll.
    const stub = objectOf(env.AGENTS, ids[0] ?? '');
    expect((await pushAgents.status(env, ids[0] ?? '')).nextAlarmAt).toBe(clock.now() + 30 * SECOND);
    clock.advance(30 * SECOND);
    expect((await fireAlarm(stub))?.tick?.plan).toEqual({ heartbeat: true, deliver: false, pollState: true });
  });

  it("answers 404 to another workspace's capability, an unserved workspace and a guessed path", async () => {
    const a = await newServedWorkspace();
    const b = await newServedWorkspace();
    const pathA = (await pushAgents.pushPath(env, a)) ?? '';
    const capabilityA = pathA.split('/')[3];
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'message/send',
      params: { message: { parts: [] } },
    });
    const post = (path: string) => SELF.fetch(`https://agent.example${path}`, { method: 'POST', body });
    expect((await post(`/a2a/${b}/${capabilityA}`)).status).toBe(404);
    const { id: unserved } = await sim.admin.createWorkspace({
      external: true,
      url: 'https://agent.example/x',
    });
    expect((await post((await pushAgents.pushPath(env, unserved)) ?? '')).status).toBe(404);
    expect((await post(`/a2a/${a}/${'x'.repeat(43)}`)).status).toBe(404);
    // A caller cannot choose the operation: the Worker overwrites the header it forwards.
    const sneaky = await SELF.fetch(`https://agent.example${pathA}`, {
      method: 'POST',
      headers: { 'x-molecule-agent-op': 'resume' },
      body,
    });
    expect(sneaky.status).toBe(200);
    expect(await sneaky.json()).toMatchObject({ jsonrpc: '2.0', id: 1 });
  });

  it('answers 503 once the agent stopped (paused)', async () => {
    const id = await newServedWorkspace();
    await pushAgents.start(env, id);
    const stub = objectOf(env.AGENTS, id);
    await fireAlarm(stub);
    await sim.admin.pause(id);
    clock.advance(30 * SECOND);
    expect(await fireAlarm(stub)).toMatchObject({ stopReason: 'paused' });
    const path = (await pushAgents.pushPath(env, id)) ?? '';
    const response = await SELF.fetch(`https://agent.example${path}`, {
      method: 'POST',
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'message/send',
        params: { message: { parts: [] } },
      }),
    });
    expect(response.status).toBe(503);
  });

  it('serves start, resume and status to an authenticated caller only', async () => {
    const id = await newServedWorkspace();
    const call = (op: string, auth?: string, method = 'POST') =>
      SELF.fetch(`https://agent.example/agents/${id}/${op}`, {
        method,
        headers: auth ? { authorization: auth } : {},
      });
    expect((await call('start')).status).toBe(401);
    expect((await call('start', 'Bearer wrong-secret-of-some-length')).status).toBe(401);
    const auth = `Bearer ${env.CONTROL_SECRET}`;
    expect((await call('start', auth, 'GET')).status).toBe(405);
    expect((await call('explode', auth)).status).toBe(404);
    const started = await call('start', auth);
    expect(started.status).toBe(200);
    expect(await started.json()).toMatchObject({ workspaceId: id, running: true, stopReason: null });
    expect(await (await call('status', auth)).json()).toMatchObject({ workspaceId: id, running: true });
    const { id: unserved } = await sim.admin.createWorkspace({
      external: true,
      url: 'https://agent.example/x',
    });
    expect(
      (
        await SELF.fetch(`https://agent.example/agents/${unserved}/start`, {
          method: 'POST',
          headers: { authorization: auth },
        })
      ).status,
    ).toBe(404);
  });
});
