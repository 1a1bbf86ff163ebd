// Per-call cost of the Node client (core client + Node's default undici transport) for the three
// calls an agent makes all day: pollState, heartbeat and one page of the activity feed. The
// simulator runs in its own process, so this process's CPU time is the client's alone. Baselines in
// the same run, on the same simulator: undici's Pool.request sending the very same request (method,
// path, headers and body recorded from the client) and reading + JSON.parse-ing the answer, and raw
// fetch doing the same. Also: the client entry of core bundled, minified and gzipped.
//
// Rounds interleave the three paths (rotating order) so load from other processes hits all alike;
// every ratio is the median over rounds of the per-round ratio, with its spread (p10–p90).
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { createAgentClient } from '@molecule-ai/agent-core';
import { createMemoryTokenStore } from '@molecule-ai/agent-core/testing';
import { sharedHttpTransport } from '@molecule-ai/agent-node';
import { Pool } from 'undici';
import { profileShares } from './_cpu-profile.mjs';
import { kib, percentile } from './_helpers.mjs';
import { startSimProcess } from './_sim-process.mjs';

export const title =
  'client per-call CPU and latency (vs undici Pool.request and raw fetch), client bundle size';

const CPU_TARGET = 1.3;
const WALL_TARGET = 1.05;
const BUNDLE_TARGET_BYTES = 14 * 1024;

const us = (value) => `${value.toFixed(1)} µs`;

/** A transport that remembers the last request it sent, to replay it exactly on the baselines. */
function recording(transport) {
  const recorder = {
    last: undefined,
    send(request) {
      recorder.last = request;
      return transport.send(request);
    },
  };
  return recorder;
}

/** `names` of core's main entry bundled as a user's bundler would: minified and gzipped sizes, the largest sources. */
async function bundleSize(names) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    stdin: {
      contents: `export { ${names.join(', ')} } from '@molecule-ai/agent-core';`,
      resolveDir: import.meta.dirname,
      loader: 'js',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
    metafile: true,
  });
  const code = result.outputFiles[0].contents;
  // Minified bytes per source, valibot counted as one: what the entry is made of.
  const parts = new Map();
  for (const [path, input] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
    const name = path.includes('valibot') ? 'valibot' : path.replace(/.*\/dist\//, '').replace(/\.js$/, '');
    parts.set(name, (parts.get(name) ?? 0) + input.bytesInOutput);
  }
  const largest = [...parts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, bytes]) => `${name} ${kib(bytes)}`)
    .join(', ');
  return { raw: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength, largest };
}

/**
 * Runs `tasks` (name -> async fn) in `rounds`, `calls` each per round, rotating the order. Returns
 * per task: CPU µs per call for each round, and every call's wall time in ms.
 */
async function interleave(tasks, { rounds, calls }) {
  const names = Object.keys(tasks);
  const cpu = Object.fromEntries(names.map((name) => [name, []]));
  const wall = Object.fromEntries(names.map((name) => [name, []]));
  const wallP50 = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length];
      const fn = tasks[name];
      const times = new Array(calls);
      const before = process.cpuUsage();
      for (let call = 0; call < calls; call++) {
        const started = performance.now();
        await fn();
        times[call] = performance.now() - started;
      }
      const used = process.cpuUsage(before);
      cpu[name].push((used.user + used.system) / calls);
      wall[name].push(...times);
      wallP50[name].push(percentile(times, 50));
    }
  }
  return { cpu, wall, wallP50 };
}

const spread = (values) => `${percentile(values, 10).toFixed(2)}–${percentile(values, 90).toFixed(2)}`;

// Quick mode (CI, a shared machine) runs the same rounds shorter; its per-call ratios move by more
// than the margin between pass and fail there, so they are reported as informational.
export async function run({ quick, log }) {
  // Quick mode keeps the round count high (the ratios need many rounds to be stable on a busy
  // machine) and shortens each round instead.
  const rounds = quick ? 24 : 40;
  const calls = quick ? 25 : 60;
  const sim = await startSimProcess({ seed: 1, rateLimit: false, allowPlaceholderUrl: true });
  const pool = new Pool(sim.url, { connections: 4 });
  try {
    const [workspace] = await sim.call('createWorkspaces', { count: 1 });
    const transport = recording(sharedHttpTransport());
    const client = createAgentClient({
      workspaceId: workspace.id,
      platformUrl: sim.url,
      tokenStore: createMemoryTokenStore({ [workspace.id]: workspace.token }),
      transport,
    });
    await client.register();
    await sim.call('queueMessages', { workspaceId: workspace.id, count: 100 });
    const page = await client.fetchActivity({ type: 'a2a_receive', limit: 100 });
    if (page.length !== 100) throw new Error(`expected an activity page of 100 rows, got ${page.length}`);

    const calls3 = {
      pollState: () => client.pollState(),
      heartbeat: () => client.heartbeat({ currentTask: 'benchmark', activeTasks: 1 }),
      'activity page (100 rows)': () => client.fetchActivity({ type: 'a2a_receive', limit: 100 }),
    };
    const rows = [];
    const notes = [];
    for (const [callName, ours] of Object.entries(calls3)) {
      await ours();
      const { method, url, headers, body } = transport.last;
      const parsed = new URL(url);
      const path = parsed.pathname + parsed.search;
      const bodyBytes = body === undefined ? null : Buffer.from(body);
      const tasks = {
        ours: ours,
        'Pool.request': async () => {
          const response = await pool.request({ method, path, headers, body: bodyBytes });
          if (response.statusCode !== 200) throw new Error(`Pool.request ${response.statusCode}`);
          JSON.parse(await response.body.text());
        },
        fetch: async () => {
          const response = await fetch(url, { method, headers, body: bodyBytes });
          if (!response.ok) throw new Error(`fetch ${response.status}`);
          await response.json();
        },
      };
      // Warm every path (JIT tiers, keep-alive connections), untimed.
      for (let i = 0; i < (quick ? 150 : 300); i++) for (const fn of Object.values(tasks)) await fn();
      const { cpu, wall, wallP50 } = await interleave(tasks, { rounds, calls });
      const cpuRatios = cpu.ours.map((value, i) => value / cpu['Pool.request'][i]);
      const wallRatios = wallP50.ours.map(
        (value, i) => value / Math.min(wallP50['Pool.request'][i], wallP50.fetch[i]),
      );
      const cpuRatio = percentile(cpuRatios, 50);
      const wallRatio = percentile(wallRatios, 50);
      // Where our calls' CPU goes, from a profile of this run (after the timed rounds).
      const profile = await profileShares(ours, quick ? 300 : 1500);
      log(
        `${callName}: CPU ours ${us(percentile(cpu.ours, 50))}, Pool.request ${us(percentile(cpu['Pool.request'], 50))}, ` +
          `fetch ${us(percentile(cpu.fetch, 50))}; ratio ${cpuRatio.toFixed(2)} (p10–p90 ${spread(cpuRatios)}); ` +
          `wall p50 ratio ${wallRatio.toFixed(3)} (${spread(wallRatios)})`,
      );
      rows.push(
        {
          benchmark: `${callName}: client CPU per call`,
          ours: us(percentile(cpu.ours, 50)),
          baseline: `${us(percentile(cpu['Pool.request'], 50))} (undici Pool.request)`,
          ratio: cpuRatio.toFixed(2),
          target: quick ? `≤ ${CPU_TARGET} (informational in quick mode)` : `≤ ${CPU_TARGET}`,
          pass: quick || cpuRatio <= CPU_TARGET,
          missedBy: `${(cpuRatio - CPU_TARGET).toFixed(2)} (${us(percentile(cpu.ours, 50) - CPU_TARGET * percentile(cpu['Pool.request'], 50))} per call)`,
          dominates: `profile of our calls (busy time): ${profile}.`,
          note:
            `median over ${rounds} interleaved rounds of ${calls} calls of the per-round CPU ratio; p10–p90 ${spread(cpuRatios)}. ` +
            `Raw fetch: ${us(percentile(cpu.fetch, 50))} per call (ours / fetch ${(percentile(cpu.ours, 50) / percentile(cpu.fetch, 50)).toFixed(2)}). ` +
            'Client process only: the simulator runs in its own process.',
        },
        {
          benchmark: `${callName}: p50 wall time`,
          ours: `${percentile(wall.ours, 50).toFixed(3)} ms`,
          baseline:
            `${percentile(wall['Pool.request'], 50).toFixed(3)} ms (Pool.request), ` +
            `${percentile(wall.fetch, 50).toFixed(3)} ms (fetch)`,
          ratio: wallRatio.toFixed(3),
          target: quick
            ? `≤ ${WALL_TARGET} × the faster (informational in quick mode)`
            : `≤ ${WALL_TARGET} × the faster`,
          pass: quick || wallRatio <= WALL_TARGET,
          missedBy: (wallRatio - WALL_TARGET).toFixed(3),
          dominates:
            `the client CPU above the faster baseline's, on the critical path of every call (CPU ratio ${cpuRatio.toFixed(2)}); ` +
            `profile of our calls (busy time): ${profile}.`,
          note: `median over ${rounds} rounds of ours / the faster baseline's p50 in that round; p10–p90 ${spread(wallRatios)}.`,
        },
      );
    }
    const stats = await sim.call('stats');
    notes.push(`simulator process: ${stats.requests} requests, ${stats.cpuMs.toFixed(0)} ms CPU`);
    const bytes = await bundleSize(['createAgentClient']);
    const withPeers = await bundleSize(['createAgentClient', 'callPeer', 'sendMessage']);
    log(`client entry: ${kib(bytes.raw)} minified, ${kib(bytes.gzip)} gzipped; ${notes.join('; ')}`);
    log(`client entry with peer calls: ${kib(withPeers.raw)} minified, ${kib(withPeers.gzip)} gzipped`);
    rows.push({
      benchmark: 'client entry bundle (esbuild, neutral, minified + gzip -9)',
      ours: kib(bytes.gzip),
      baseline: `${kib(bytes.raw)} minified`,
      ratio: '—',
      target: `≤ ${kib(BUNDLE_TARGET_BYTES)}`,
      pass: bytes.gzip <= BUNDLE_TARGET_BYTES,
      missedBy: kib(bytes.gzip - BUNDLE_TARGET_BYTES),
      dominates: `the largest sources, minified: ${bytes.largest}.`,
      note:
        `\`export { createAgentClient } from '@molecule-ai/agent-core'\`: what every agent ships. Peer calls ` +
        '(`callPeer`, `sendMessage`), fetchInbound and the plugin endpoints are functions that take the client, so ' +
        `they are in a bundle only when used. Largest sources, minified: ${bytes.largest}. Load average at the end ` +
        `of the per-call runs: ${loadavg()[0].toFixed(1)}.`,
    });
    rows.push({
      benchmark: 'client entry bundle with peer calls (callPeer, sendMessage)',
      ours: kib(withPeers.gzip),
      baseline: `${kib(withPeers.raw)} minified`,
      ratio: '—',
      target: 'informational',
      pass: true,
      note:
        'What an agent that calls peers ships: the A2A message and task schemas, the JSON-RPC and Python ' +
        `A2AServer envelopes, direct-then-proxy routing. Largest sources, minified: ${withPeers.largest}.`,
    });
    return rows;
  } finally {
    await pool.close();
    await sim.close();
  }
}
