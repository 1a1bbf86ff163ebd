// A fleet of agents in one Node process against the simulator (in its own process) at the SDK's
// default cadences: poll 5 s, heartbeat 30 s, state 30 s. Reports RSS per agent (settled, above
// the idle process), missed heartbeats, CPU per agent-second, and the simulator's own load
// (requests per second and CPU per request, i.e. how far it is from being the bottleneck).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSimProcess } from './_sim-process.mjs';

export const title = 'fleet: many agents in one process at the default cadences';

const RSS_TARGET_BYTES = 64 * 1024;

function runFleet(platformUrl, workspaces, { observeMs, startSpreadMs }) {
  const child = fork(fileURLToPath(new URL('./_fleet-child.mjs', import.meta.url)), [], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result;
    child.once('message', (message) => {
      result = message;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`fleet process exited with ${code} before reporting`)),
    );
    child.send({ platformUrl, workspaces, observeMs, startSpreadMs });
  });
}

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export async function run({ quick, log }) {
  const count = quick ? 1_000 : 10_000;
  // Full: three heartbeat periods of steady state; quick: one.
  const observeMs = quick ? 32_000 : 95_000;
  const sim = await startSimProcess({
    rateLimit: false,
    allowPlaceholderUrl: true,
    activityFeed: 'cursor',
    recordRequests: false,
  });
  try {
    const workspaces = await sim.call('createWorkspaces', { count });
    log(`${count} workspaces created; running the fleet for ${observeMs / 1000} s of steady state…`);
    const before = await sim.call('stats');
    const startedAt = performance.now();
    const fleet = await runFleet(sim.url, workspaces, { observeMs, startSpreadMs: 5_000 });
    const elapsedS = (performance.now() - startedAt) / 1000;
    const after = await sim.call('stats');
    const simRequests = after.requests - before.requests;
    const simCpuMs = after.cpuMs - before.cpuMs;
    const perAgent = (fleet.settledRss - fleet.idleRss) / count;
    const peakPerAgent = (fleet.peakRss - fleet.idleRss) / count;
    const cpuPerAgentSecondUs = (fleet.cpuMs * 1000) / (count * (fleet.wallMs / 1000));
    const simPerRequestUs = (simCpuMs * 1000) / simRequests;
    const simRps = simRequests / elapsedS;
    log(
      `RSS ${mib(fleet.idleRss)} idle, ${mib(fleet.settledRss)} settled, ${mib(fleet.peakRss)} peak; ` +
        `${(perAgent / 1024).toFixed(1)} KiB per agent; CPU ${cpuPerAgentSecondUs.toFixed(1)} µs per agent-second; ` +
        `heartbeats: ${fleet.missed} missed, ${fleet.late} late, worst gap ${(fleet.worstGapMs / 1000).toFixed(1)} s, ` +
        `${fleet.heartbeatFailures} failed; simulator ${simRps.toFixed(0)} req/s at ${simPerRequestUs.toFixed(0)} µs CPU each`,
    );
    const context =
      `${count.toLocaleString('en')} agents (runAgentLoop with defaults, Node's shared transport, memory stores), ` +
      `starts spread over 5 s, measured over ${(fleet.wallMs / 1000).toFixed(0)} s of steady state after a 5 s settle.`;
    return [
      {
        benchmark: `fleet of ${count.toLocaleString('en')} agents: RSS per agent`,
        ours: `${(perAgent / 1024).toFixed(1)} KiB`,
        baseline: `${mib(fleet.idleRss)} idle process`,
        ratio: (perAgent / RSS_TARGET_BYTES).toFixed(2),
        target: '≤ 64 KiB',
        pass: perAgent <= RSS_TARGET_BYTES,
        note:
          `${context} RSS after GC at the end ${mib(fleet.settledRss)} (heap ${mib(fleet.settledHeap)}), ` +
          `peak while running ${mib(fleet.peakRss)} (${(peakPerAgent / 1024).toFixed(1)} KiB per agent above idle).`,
      },
      {
        benchmark: `fleet of ${count.toLocaleString('en')} agents: missed heartbeats`,
        ours: `${fleet.missed} missed, ${fleet.heartbeatFailures} failed`,
        baseline: '30 s cadence',
        ratio: '—',
        target: '0',
        pass: fleet.missed === 0 && fleet.heartbeatFailures === 0,
        note:
          `missed = a gap between two heartbeats of one agent above 45 s. Worst gap ${(fleet.worstGapMs / 1000).toFixed(1)} s; ` +
          `${fleet.late} agents had a gap above 32 s; fewest heartbeats of one agent ${fleet.fewestBeats}; ` +
          `${fleet.otherFailures} warnings/errors logged by the loops.`,
      },
      {
        benchmark: `fleet of ${count.toLocaleString('en')} agents: CPU per agent-second`,
        ours: `${cpuPerAgentSecondUs.toFixed(1)} µs`,
        baseline: `${(fleet.cpuMs / (fleet.wallMs / 1000) / 10).toFixed(1)} % of one core`,
        ratio: '—',
        target: 'reported',
        pass: true,
        note: 'CPU (user + system) of the fleet process over the steady-state window, divided by agents × seconds.',
      },
      {
        benchmark: `fleet of ${count.toLocaleString('en')} agents: simulator load`,
        ours: `${simRps.toFixed(0)} req/s`,
        baseline: `${simPerRequestUs.toFixed(0)} µs CPU per request`,
        ratio: ((simCpuMs / 1000 / elapsedS) * 100).toFixed(0) + ' % busy',
        target: 'not the bottleneck',
        pass: simCpuMs / 1000 / elapsedS < 0.8,
        note:
          `the simulator in its own process (request recording off): ${simRequests} requests in ${elapsedS.toFixed(0)} s, ` +
          `so it could serve about ${(1e6 / simPerRequestUs).toFixed(0)} req/s on one core.`,
      },
    ];
  } finally {
    await sim.close();
  }
}
