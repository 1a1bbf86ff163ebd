#!/usr/bin/env node
// Child process of bench/plugin-install.mjs, so that each measurement gets a fresh process whose
// peak RSS belongs to that one install. Prints one JSON line.
//   node --expose-gc _plugin-install-child.mjs ours|ours-web|download <url> <pluginsDir> [durable=1|0] [before=update|first|first-young-used]
//     (ours: the client's download over the Node transport, node:zlib gunzip and the fs sink, as the
//     Node installPlugin uses them; ours-web: the same with core's default DecompressionStream;
//     download: the same download read and dropped, what the download alone costs in memory.
//     before: what the process installed before it idled, see WARM_UP_PLUGIN; first-young-used:
//     first, then V8's whole young generation used once, see useWholeYoungGeneration)
//   node _plugin-install-child.mjs baseline <url> <workDir>
//   node _plugin-install-child.mjs serve <file>      (static server; prints {"url": ...})
import { spawnSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GCProfiler, getHeapSpaceStatistics } from 'node:v8';
import { gzipSync } from 'node:zlib';
import { createAgentClient } from '@molecule-ai/agent-core';
import { downloadPlugin, installPluginWithPorts } from '@molecule-ai/agent-core/plugins';
import { buildTestTar, createMemoryTokenStore } from '@molecule-ai/agent-core/testing';
import { createFsPluginSink, createUndiciTransport, createZlibGunzip } from '@molecule-ai/agent-node';

const [mode, ...args] = process.argv.slice(2);

/**
 * The plugin a process installs before it idles in `before=first` mode: small, so that the measured
 * install is the process's first large one (V8 has not compiled the install's code yet and has not
 * used its whole young generation). In `before=update` mode the process installs the measured
 * plugin itself first, as an agent updating a plugin does. The static server answers the download
 * of this name with this plugin, every other path with the measured archive.
 */
const WARM_UP_PLUGIN = 'warm-up';
const WARM_UP_ENTRIES = [
  { name: 'plugin.yaml', content: 'name: warm-up\nversion: 1.0.0\n' },
  { name: 'skills/a.md', content: 'warm '.repeat(2000) },
  { name: 'skills/b.bin', content: 'x'.repeat(300 * 1024) },
];

/** V8's young generation (new space): its size and how much of it is resident. */
const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');

/**
 * Makes V8 use its whole young generation once, as any process does after a few MiB of short-lived
 * objects: right after start V8 has written to only one of its two halves, so the first few MiB
 * of garbage a process makes, whatever makes them, bring the other half into RSS. JSON.parse
 * makes the objects, so that no JavaScript loop gets hot enough for the optimizing compiler to
 * start (its threads' memory is another one-time cost, measured apart).
 */
function useWholeYoungGeneration() {
  const objects = `[${'{"a":1},'.repeat(50_000)}{}]`;
  for (let i = 0; i < 16 && newSpace().physical_space_size < newSpace().space_size; i++) JSON.parse(objects);
}

/** CPU milliseconds of this process (all threads) plus its waited-for children, from /proc/self/stat. */
function cpuMs() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14-17 (1-based), i.e. 11-14 after the command name.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks * 10; // USER_HZ is 100 on Linux
}

/**
 * Scavenges in a GCProfiler report and the KiB that survived them: what stayed in the young
 * generation plus what was promoted to the old one.
 */
function scavengeSummary(report) {
  const used = (stats, name) =>
    stats.heapSpaceStatistics.find((space) => space.spaceName === name).spaceUsedSize;
  let scavenges = 0;
  let survived = 0;
  for (const { gcType, beforeGC, afterGC } of report.statistics) {
    if (gcType !== 'Scavenge') continue;
    scavenges += 1;
    survived +=
      used(afterGC, 'new_space') + Math.max(0, used(afterGC, 'old_space') - used(beforeGC, 'old_space'));
  }
  return { scavenges, survivedKiB: Math.round(survived / 1024) };
}

function statusKiB(field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) : Number.NaN;
}

if (mode === 'serve') {
  const [file] = args;
  const size = statSync(file).size;
  const warmUpArchive = gzipSync(buildTestTar(WARM_UP_ENTRIES));
  const server = createServer((req, res) => {
    if (req.url?.includes(`/plugins/${WARM_UP_PLUGIN}/`)) {
      res.writeHead(200, {
        'content-type': 'application/gzip',
        'content-length': String(warmUpArchive.length),
      });
      res.end(warmUpArchive);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(size) });
    createReadStream(file).pipe(res);
  });
  server.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}/plugin.tar.gz` }));
  });
} else if (mode === 'ours' || mode === 'ours-web' || mode === 'download') {
  const [url, pluginsDir, durable = '1', before = 'update'] = args;
  const decompress = mode === 'ours' ? createZlibGunzip() : undefined;
  // The static server answers the plugin downloads (the measured archive, or WARM_UP_PLUGIN's):
  // the client's platform URL is its origin.
  const client = createAgentClient({
    workspaceId: '0b9f6a3e-5c1d-4e7a-9b2f-3c4d5e6f7a8b',
    platformUrl: new URL(url).origin,
    tokenStore: createMemoryTokenStore(),
    token: 'bench-token',
    transport: createUndiciTransport(),
  });
  const install = (name, dir) =>
    installPluginWithPorts({
      client,
      name,
      sink: createFsPluginSink({ pluginsDir: dir, durable: durable === '1' }),
      runSetup: false,
      reportToPlatform: false,
      decompress,
    });
  // "Idle" is a ready agent, not a cold VM: it has made HTTP requests (the first fetch alone loads
  // about 20 MiB of code and buffers) and has installed a plugin the way it installs this one (the
  // install's code is loaded and the thread pool started); then it settles.
  const warm = await fetch(url);
  await warm.body?.cancel();
  await install(before === 'update' ? 'bench' : WARM_UP_PLUGIN, `${pluginsDir}-warm-up`);
  if (before === 'first-young-used') useWholeYoungGeneration();
  for (let i = 0; i < 5; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const idleKiB = statusKiB('VmRSS');
  const idleUsage = process.memoryUsage();
  // V8's young generation (new space): how much of the heap's growth is the collector sizing it up.
  const newSpaceKiB = () => Math.round(newSpace().space_size / 1024);
  const idleNewSpaceKiB = newSpaceKiB();
  const idleNewSpaceResidentKiB = Math.round(newSpace().physical_space_size / 1024);
  let peakNewSpaceKiB = idleNewSpaceKiB;
  // What the memory is made of at its peak (sampled; the peak itself is VmHWM). Only the RSS is read
  // on every tick (the full breakdown costs far more CPU), the breakdown only at a new high.
  let peakUsage = idleUsage;
  const sampler = setInterval(() => {
    if (process.memoryUsage.rss() > peakUsage.rss) {
      peakUsage = process.memoryUsage();
      peakNewSpaceKiB = newSpaceKiB();
    }
  }, 10);
  writeFileSync('/proc/self/clear_refs', '5'); // reset VmHWM to the current RSS
  // Every collection during the measurement: how often the young generation was scavenged and how
  // much survived (V8 sizes the young generation up from what survives its scavenges).
  const gcProfiler = new GCProfiler();
  gcProfiler.start();
  const cpuBefore = cpuMs();
  const started = performance.now();
  let result = { files: 0, bytes: 0 };
  if (mode === 'download') {
    // What the download alone costs: the same body read to the end and dropped, into one buffer
    // (a BYOB read, as the install's gunzip reads it).
    const download = await downloadPlugin(client, 'bench');
    const reader = download.body.getReader({ mode: 'byob' });
    let buffer = new ArrayBuffer(64 * 1024);
    for (;;) {
      const { done, value } = await reader.read(new Uint8Array(buffer));
      if (done) break;
      result.bytes += value.byteLength;
      buffer = value.buffer;
    }
  } else {
    result = await install('bench', pluginsDir);
  }
  const ms = performance.now() - started;
  const cpu = cpuMs() - cpuBefore;
  const peakKiB = statusKiB('VmHWM');
  clearInterval(sampler);
  const gc = scavengeSummary(gcProfiler.stop());
  const grown = (key) => Math.round((peakUsage[key] - idleUsage[key]) / 1024);
  console.log(
    JSON.stringify({
      ms,
      cpuMs: cpu,
      idleKiB,
      peakKiB,
      aboveIdleKiB: peakKiB - idleKiB,
      atPeakKiB: {
        rss: grown('rss'),
        heapTotal: grown('heapTotal'),
        external: grown('external'),
        arrayBuffers: grown('arrayBuffers'),
      },
      newSpaceKiB: { idle: idleNewSpaceKiB, idleResident: idleNewSpaceResidentKiB, atPeak: peakNewSpaceKiB },
      gc,
      maxRssKiB: process.resourceUsage().maxRSS,
      files: result.files,
      bytes: result.bytes,
    }),
  );
} else if (mode === 'baseline') {
  const [url, workDir] = args;
  const archive = join(workDir, 'plugin.tar.gz');
  const out = join(workDir, 'plugin');
  mkdirSync(out, { recursive: true });
  // Warm like the measured install: the first fetch of a process loads its code.
  const warm = await fetch(url);
  await warm.body?.cancel();
  const cpuBefore = cpuMs();
  const started = performance.now();
  const response = await fetch(url);
  await pipeline(Readable.fromWeb(response.body), createWriteStream(archive));
  const tar = spawnSync('tar', ['-xzf', archive, '-C', out]);
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  const ms = performance.now() - started;
  console.log(JSON.stringify({ ms, cpuMs: cpuMs() - cpuBefore }));
} else {
  console.error('usage: _plugin-install-child.mjs ours|baseline|serve ...');
  process.exit(2);
}
