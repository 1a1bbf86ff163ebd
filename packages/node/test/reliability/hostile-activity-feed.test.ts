// The activity feed answers with junk around a real message: rows that are not objects, rows
// without ids, duplicated rows, a row posing as the agent's own notify, an enormous row. The agent
// loop handles the real message exactly once, skips the rest, and keeps running. A feed that only
// ever answers 410 gets one cursor reset and then backoff, not a tight loop.
import type { InboundMessage } from '@molecule-ai/agent-core';
import type { LoopExit } from '@molecule-ai/agent-core/loops';
import { createRecordingLogger } from '@molecule-ai/agent-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgentLoop } from '../../src/loops/index.js';
import { createAgent, type SimHarness, seededRandom, startSim, until, VirtualClock } from './helpers.js';

let harness: SimHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('the agent loop reading a hostile activity feed', { timeout: 60_000 }, () => {
  it('handles the one real message once and skips every junk row', async () => {
    const clock = new VirtualClock();
    harness = await startSim({ clock, seed: 3 });
    const { sim } = harness;
    const agent = await createAgent(harness, { clock, fetch: clock.heldFetch() });
    await sim.admin.sendCanvasMessage(agent.id, 'the real one');
    const real = sim.admin.activity(agent.id).find((row) => row.activity_type === 'a2a_receive')!;
    const junk = [
      null,
      42,
      'a string',
      [real],
      {},
      { id: '' },
      { id: null, request_body: real.request_body },
      { ...real, id: 'fake-notify', method: 'notify' },
      { ...real, activity_type: 'task_update', id: 'other-type' },
      real,
      { ...real }, // the same id again in one batch
      {
        id: 'huge',
        activity_type: 'a2a_receive',
        request_body: { params: { message: { parts: 'x'.repeat(1_000_000) } } },
      },
    ];
    sim.setFaults({
      rules: [
        {
          method: 'GET',
          path: '/workspaces/:id/activity',
          count: 5,
          fault: { type: 'replace-body', body: JSON.stringify(junk), contentType: 'application/json' },
        },
      ],
    });

    const handled: InboundMessage[] = [];
    let exit: LoopExit | undefined;
    const logger = createRecordingLogger();
    const run = runAgentLoop(
      async (message) => {
        handled.push(message);
        return message.text === '' ? '' : `echo: ${message.text}`;
      },
      { client: agent.client, clock, random: seededRandom(2), stopSignals: [], logger },
    );
    void run.done.then((value) => {
      exit = value;
    });
    // Five junk batches, then the real feed (which still holds the real row) at least twice.
    await until(
      () => sim.requests.filter((r) => r.path.endsWith('/activity') && r.faults.length === 0).length >= 2,
      'the real feed read twice',
    );
    expect(exit).toBeUndefined();
    const texts = handled.map((m) => m.text);
    expect(texts.filter((t) => t === 'the real one')).toHaveLength(1);
    // Nothing posing as the agent's own notify or as another activity type was handled.
    expect(handled.map((m) => m.id)).not.toContain('fake-notify');
    expect(handled.map((m) => m.id)).not.toContain('other-type');
    expect(sim.admin.notifications(agent.id).filter((n) => n.message === 'echo: the real one')).toHaveLength(
      1,
    );
    // Rows that are not messages to this agent are skipped quietly: they are not failures.
    expect(logger.messages('warn')).toEqual([]);

    await sim.admin.pause(agent.id);
    await expect(run).resolves.toMatchObject({ reason: 'paused' });
  });

  it('a feed that answers 410 forever: the cursor is reset once, then the loop backs off and keeps running', async () => {
    const clock = new VirtualClock();
    harness = await startSim({ clock, activityFeed: 'cursor' });
    const { sim } = harness;
    const agent = await createAgent(harness, { clock, fetch: clock.heldFetch() });
    await sim.admin.sendCanvasMessage(agent.id, 'before the feed broke');
    // The first read works (the cursor moves past the message), every later one is 410.
    sim.setFaults({
      rules: [
        {
          method: 'GET',
          path: '/workspaces/:id/activity',
          skip: 1,
          fault: { type: 'status', status: 410, body: { error: 'cursor expired' } },
        },
      ],
    });
    let exit: LoopExit | undefined;
    const logger = createRecordingLogger();
    const run = runAgentLoop(async (message) => `echo: ${message.text}`, {
      client: agent.client,
      clock,
      random: seededRandom(1),
      stopSignals: [],
      logger,
    });
    void run.done.then((value) => {
      exit = value;
    });
    await until(() => clock.elapsed() >= 10 * 60_000, 'ten virtual minutes');
    expect(exit).toBeUndefined();
    const reads = sim.requests.filter((r) => r.path.endsWith('/activity'));
    // One 410 with the cursor (reset and re-read at once), then only cursor-less reads.
    expect(reads.filter((r) => r.status === 410 && 'since_id' in r.query)).toHaveLength(1);
    // A 5 s poll interval would read 120 times in ten minutes; the backoff reaches its 60 s cap.
    expect(reads.length).toBeLessThan(30);
    const times = reads.map((r) => r.at);
    expect(times.at(-1)! - times.at(-2)!).toBeGreaterThanOrEqual(30_000);
    expect(sim.admin.notifications(agent.id).map((n) => n.message)).toEqual(['echo: before the feed broke']);
    // Every failed read after the reset was reported with its next try.
    const warnings = logger.messages('warn').filter((m) => m.startsWith('inbound delivery failed'));
    expect(warnings.length).toBeGreaterThanOrEqual(reads.length - 3);
    expect(warnings.at(-1)).toMatch(/^inbound delivery failed; next try in \d+ s$/);
    await sim.admin.pause(agent.id);
    await expect(run).resolves.toMatchObject({ reason: 'paused' });
  });
});
