#!/usr/bin/env node
// Inbound backlog drain: 10,000 queued messages handled through poll delivery (the agent loop with
// a no-op handler, cursor saved after each message, seen-set, sorting, parsing) versus the same
// rows fetched with raw `fetch` calls (same page size, same simulator, same run). Pass: ratio ≤ 1.5.
//
// `node bench/run.mjs` runs it with the others (`run` below); `node bench/inbound-drain.mjs` runs it
// alone and appends a section to bench/RESULTS.md. Needs the packages built (`pnpm build`).
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createAgentClient, createPollDelivery, runAgentLoop } from '@molecule-ai/agent-core';
import { createMemoryCursorStore, createMemoryTokenStore } from '@molecule-ai/agent-core/testing';
import { createPlatformSim } from '@molecule-ai/platform-sim';
import { startPlatformServer } from '@molecule-ai/platform-sim/node';

export const name = 'inbound-drain';
export const title =
  'inbound backlog drain: poll delivery (agent loop, no-op handler) vs raw fetch of the same rows';
export const threshold = 1.5;

async function queueBacklog(sim, workspaceId, count) {
  for (let i = 0; i < count; i++) {
    const { status } = await sim.admin.sendCanvasMessage(workspaceId, `message ${i}`);
    if (status !== 202) throw new Error(`queueing message ${i} failed with ${status}`);
  }
}

/** The baseline: page through the cursor feed with bare fetch + JSON.parse. */
async function rawDrain(url, workspaceId, token, limit, expected) {
  let cursor = null;
  let rows = 0;
  while (rows < expected) {
    const query = new URLSearchParams({ type: 'a2a_receive', limit: String(limit) });
    if (cursor) query.set('since_id', cursor);
    const get = () =>
      fetch(`${url}/workspaces/${workspaceId}/activity?${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    // A pooled keep-alive socket can be closed by the server while idle; retry such a GET once.
    const response = await get().catch(get);
    if (!response.ok) throw new Error(`raw fetch failed with ${response.status}`);
    const page = await response.json();
    if (page.length === 0) break;
    rows += page.length;
    cursor = page[page.length - 1].id;
  }
  return rows;
}

/** The subject: the agent loop with its default poll delivery and a no-op handler. */
async function loopDrain(client, limit, expected) {
  let handled = 0;
  let resolveDone;
  const done = new Promise((resolve) => {
    resolveDone = resolve;
  });
  const delivery = createPollDelivery({ client, limit, cursorStore: createMemoryCursorStore() });
  const run = runAgentLoop(
    () => {
      handled++;
      if (handled === expected) resolveDone();
    },
    { client, delivery },
  );
  await done;
  await run.stop();
  return handled;
}

async function timed(fn) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, value };
}

/**
 * Runs the benchmark and returns its figures. Both sides read the same backlog (the raw side only
 * reads; each loop drain starts from an empty cursor store), in the order raw, loop, loop, raw so
 * that drift in machine load hits both alike; the ratio compares the summed times.
 */
export async function runInboundDrainBench({ messages = 10_000, limit = 100 } = {}) {
  const sim = createPlatformSim({ activityFeed: 'cursor', allowPlaceholderUrl: true, rateLimit: false });
  const server = await startPlatformServer(sim, { port: 0, host: '127.0.0.1' });
  try {
    const setup = async (count) => {
      const { id, token } = await sim.admin.createWorkspace({ external: true });
      const client = createAgentClient({
        workspaceId: id,
        platformUrl: server.url,
        tokenStore: createMemoryTokenStore({ [id]: token }),
      });
      await client.register();
      await queueBacklog(sim, id, count);
      return { id, token, client };
    };
    const warm = await setup(500);
    const agent = await setup(messages);
    // Warm-up on a small backlog, right before measuring, so neither side pays for JIT and
    // connection set-up alone.
    await rawDrain(server.url, warm.id, warm.token, limit, 500);
    await loopDrain(warm.client, limit, 500);

    const raw = () => timed(() => rawDrain(server.url, agent.id, agent.token, limit, messages));
    const loop = () => timed(() => loopDrain(agent.client, limit, messages));
    const runs = { raw: [], loop: [] };
    runs.raw.push(await raw());
    runs.loop.push(await loop());
    runs.loop.push(await loop());
    runs.raw.push(await raw());
    for (const r of [...runs.raw, ...runs.loop]) {
      if (r.value !== messages) throw new Error(`expected ${messages} rows, got ${r.value}`);
    }
    const sum = (list, key) => list.reduce((total, r) => total + r[key], 0);
    const baselineMs = sum(runs.raw, 'ms') / 2;
    const subjectMs = sum(runs.loop, 'ms') / 2;
    const ratio = subjectMs / baselineMs;
    return {
      name,
      messages,
      limit,
      baselineMs,
      subjectMs,
      ratio,
      cpuRatio: sum(runs.loop, 'cpuMs') / sum(runs.raw, 'cpuMs'),
      runs: { raw: runs.raw.map((r) => Math.round(r.ms)), loop: runs.loop.map((r) => Math.round(r.ms)) },
      threshold,
      pass: ratio <= threshold,
    };
  } finally {
    await server.close();
  }
}

/** The bench/run.mjs entry point: one row. */
export async function run({ quick = false, log = () => {} } = {}) {
  const messages = quick ? 2_000 : 10_000;
  log(`queueing ${messages} messages on the simulator's cursor feed…`);
  const result = await runInboundDrainBench({ messages });
  return [
    {
      benchmark: `drain ${messages.toLocaleString('en')} queued messages (pages of ${result.limit})`,
      ours: `${result.subjectMs.toFixed(0)} ms`,
      baseline: `${result.baselineMs.toFixed(0)} ms (raw fetch)`,
      ratio: result.ratio.toFixed(2),
      target: `≤ ${threshold}`,
      pass: result.pass,
      note:
        'runAgentLoop with its poll delivery, a no-op handler and the cursor saved (memory store) after each message, ' +
        'versus paging the same rows with bare fetch + JSON.parse; mean of two runs each in the order raw, loop, loop, ' +
        `raw after a 500-message warm-up (runs: raw ${result.runs.raw.join('/')} ms, loop ${result.runs.loop.join('/')} ms; ` +
        `CPU-time ratio ${result.cpuRatio.toFixed(2)}).`,
    },
  ];
}

function resultsSection(result) {
  const date = new Date().toISOString().slice(0, 10);
  return [
    '',
    `## Inbound drain (${date})`,
    '',
    `${result.messages.toLocaleString('en')} queued canvas messages on the simulator's cursor feed (in process, loopback HTTP), pages of ${result.limit}. Both sides read the same backlog in the order raw, loop, loop, raw after a 500-message warm-up; times are the mean of the two runs of each (raw ${result.runs.raw.join(' / ')} ms, loop ${result.runs.loop.join(' / ')} ms).`,
    `Node ${process.version}, ${cpus().length} CPUs.`,
    '',
    '| path | time | per message |',
    '| --- | --- | --- |',
    `| raw \`fetch\` + \`JSON.parse\` of the same rows (baseline) | ${result.baselineMs.toFixed(0)} ms | ${((result.baselineMs * 1000) / result.messages).toFixed(1)} µs |`,
    `| \`runAgentLoop\` poll delivery, no-op handler, cursor saved after each message (memory store) | ${result.subjectMs.toFixed(0)} ms | ${((result.subjectMs * 1000) / result.messages).toFixed(1)} µs |`,
    '',
    `Ratio ${result.ratio.toFixed(2)} (threshold ≤ ${result.threshold}): **${result.pass ? 'pass' : 'FAIL'}**. CPU-time ratio (process user + system, the simulator included on both sides) ${result.cpuRatio.toFixed(2)}. Load average at the end: ${loadavg()[0].toFixed(1)}.`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runInboundDrainBench();
  console.log(
    `${name}: baseline ${result.baselineMs.toFixed(0)} ms, loop ${result.subjectMs.toFixed(0)} ms, ratio ${result.ratio.toFixed(2)} (≤ ${threshold}) ${result.pass ? 'pass' : 'FAIL'}`,
  );
  const file = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
  if (!existsSync(file)) writeFileSync(file, '# Benchmark results\n');
  appendFileSync(file, resultsSection(result));
  process.exitCode = result.pass ? 0 : 1;
}
