// One process running a fleet of agents (see fleet.mjs): started with --expose-gc, gets
// { platformUrl, workspaces: [{ id, token }], observeMs, startSpreadMs } over IPC, runs one agent
// loop per workspace with the SDK's defaults (poll 5 s, heartbeat 30 s, state 30 s, Node's shared
// transport, a memory cursor store) and reports memory, CPU and heartbeat regularity.
import { setMaxListeners } from 'node:events';
import { createAgentClient } from '@molecule-ai/agent-core';
import { runAgentLoopWithPorts } from '@molecule-ai/agent-core/loops';
import { createMemoryTokenStore } from '@molecule-ai/agent-core/testing';
import { sharedHttpTransport } from '@molecule-ai/agent-node';

const HEARTBEAT_MS = 30_000;

function settleMemory() {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  return process.memoryUsage();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

process.once('message', async ({ platformUrl, workspaces, observeMs, startSpreadMs }) => {
  const count = workspaces.length;
  const transport = sharedHttpTransport();
  // Warm the shared pieces every agent uses (module code, the connection pool) before the idle figure.
  const warm = createAgentClient({
    workspaceId: workspaces[0].id,
    platformUrl,
    tokenStore: createMemoryTokenStore({ [workspaces[0].id]: workspaces[0].token }),
    transport,
  });
  await warm.pollState();
  const idle = settleMemory();

  const lastBeat = new Float64Array(count);
  const maxGap = new Float64Array(count);
  const beats = new Uint32Array(count);
  let heartbeatFailures = 0;
  let otherFailures = 0;
  let handled = 0;
  const runs = new Array(count);
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one stop signal shared by every loop of the fleet
  const logger = {
    debug() {},
    info() {},
    warn() {
      otherFailures++;
    },
    error() {
      otherFailures++;
    },
  };
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) {
    const { id, token } = workspaces[i];
    const client = createAgentClient({
      workspaceId: id,
      platformUrl,
      tokenStore: createMemoryTokenStore({ [id]: token }),
      transport,
    });
    const heartbeat = client.heartbeat;
    client.heartbeat = async (report, options) => {
      try {
        await heartbeat(report, options);
      } catch (error) {
        heartbeatFailures++;
        throw error;
      }
      const now = performance.now();
      if (beats[i] > 0 && now - lastBeat[i] > maxGap[i]) maxGap[i] = now - lastBeat[i];
      lastBeat[i] = now;
      beats[i]++;
    };
    runs[i] = runAgentLoopWithPorts(
      () => {
        handled++;
      },
      { client, signal: abort.signal, logger },
    );
    // Agents of a real fleet do not all start in the same millisecond: spread the starts.
    if (startSpreadMs > 0 && i % 100 === 99) await sleep((startSpreadMs * 100) / count);
  }
  const allStartedMs = performance.now() - startedAt;
  // Let the start-up burst settle (one poll interval), then measure the steady state.
  await sleep(5_000);
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  let peakRss = 0;
  const rssSamples = [];
  while (performance.now() - wallBefore < observeMs) {
    await sleep(Math.min(5_000, observeMs / 4));
    const rss = process.memoryUsage().rss;
    rssSamples.push(rss);
    if (rss > peakRss) peakRss = rss;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - wallBefore;
  const settled = settleMemory();
  abort.abort();
  await Promise.all(runs.map((run) => run.done.catch(() => undefined)));
  let missed = 0;
  let late = 0;
  let worstGap = 0;
  let fewest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    if (maxGap[i] > 1.5 * HEARTBEAT_MS) missed++;
    if (maxGap[i] > HEARTBEAT_MS + 2_000) late++;
    if (maxGap[i] > worstGap) worstGap = maxGap[i];
    if (beats[i] < fewest) fewest = beats[i];
  }
  process.send({
    count,
    idleRss: idle.rss,
    idleHeap: idle.heapUsed,
    settledRss: settled.rss,
    settledHeap: settled.heapUsed,
    peakRss,
    rssSamples,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs,
    allStartedMs,
    missed,
    late,
    worstGapMs: worstGap,
    fewestBeats: fewest,
    heartbeatFailures,
    otherFailures,
    handled,
  });
  process.disconnect();
});
