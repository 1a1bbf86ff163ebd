// The activity feed answers with junk around a real message: rows that are not objects, rows
// without ids, duplicated rows, a row posing as the agent's own notify, an enormous row. The agent
// loop handles the real message exactly once, skips the rest, and keeps running.
import type { InboundMessage, LoopExit } from '@molecule-ai/agent-core';
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
    const run = runAgentLoop(
      async (message) => {
        handled.push(message);
        return message.text === '' ? '' : `echo: ${message.text}`;
      },
      { client: agent.client, clock, random: seededRandom(2), stopSignals: [] },
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

    await sim.admin.pause(agent.id);
    await expect(run).resolves.toMatchObject({ reason: 'paused' });
  });
});
