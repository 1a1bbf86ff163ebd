#!/usr/bin/env node
// Worst-case plugin archive: the most expensive archive we can build within the default limits,
// installed by core's pipeline (gunzip → tar → policy → staging) into the memory sink, versus a
// benign plugin archive of the same tar size in the same run. Pass: time ratio ≤ 2, and the longest
// event-loop stall during the worst install ≤ 100 ms (the install yields; heartbeats keep going).
//
// The worst archive packs what used to be quadratic, each pushed to its default cap:
// - ten PAX global headers of ~60 KiB of distinct keys (64 KiB per header is the cap), whose records
//   used to be copied into every later entry;
// - a run of repeated PAX `x` headers before one entry (they used to be re-merged one by one);
// - as many entries as the 8 MiB per-archive cap on extended headers allows, each named by a PAX
//   path 1,900 folders deep (just under the 4,096-byte name limit), whose parents used to be
//   claimed in O(depth²);
// - then plain entries up to the 10,000-entry cap, 75 folders deep through the ustar prefix.
// Every file is empty, so the whole cost is metadata. The benign archive has the same tar size and
// the same number of entries: text files of equal length in 40 shallow folders.
//
// Runs alone (`node bench/worst-archive.mjs [--quick] [--no-write]`, after `pnpm build`; writes its
// own section of bench/RESULTS.md) or through bench/run.mjs (`run({ quick, log })`).
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { installPluginArchive } from '@molecule-ai/agent-core/plugins';
import { createMemoryPluginSink } from '@molecule-ai/agent-core/testing';
import { writeSection } from './_report.mjs';

export const title = 'Worst-case plugin archive within the default limits vs a benign one of the same size';

const encoder = new TextEncoder();
const KiB = 1024;
const MiB = 1024 * KiB;

function header(name, typeflag, size, prefix = '') {
  const block = new Uint8Array(512);
  const put = (offset, value) => block.set(encoder.encode(value), offset);
  const octal = (offset, length, value) => put(offset, `${value.toString(8).padStart(length - 1, '0')}\0`);
  put(0, name);
  octal(100, 8, 0o644);
  octal(108, 8, 1000);
  octal(116, 8, 1000);
  octal(124, 12, size);
  octal(136, 12, 1_700_000_000);
  block[156] = typeflag.charCodeAt(0);
  put(257, 'ustar\x0000');
  if (prefix) put(345, prefix);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

function padded(data) {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}

function paxRecords(records) {
  let text = '';
  for (const [key, value] of records) {
    const body = ` ${key}=${value}\n`;
    let length = body.length + String(body.length).length;
    if (String(length).length !== String(body.length).length) length = body.length + String(length).length;
    text += `${length}${body}`;
  }
  return encoder.encode(text);
}

function pax(typeflag, records) {
  const data = paxRecords(records);
  return [header('PaxHeader', typeflag, data.length), padded(data)];
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The worst archive within the defaults (see the top of this file), as tar bytes. */
export function worstArchiveTar() {
  const parts = [];
  let metadata = 0;
  let entries = 0;
  for (let g = 0; g < 10; g++) {
    const keys = [];
    for (let i = 0; keys.length * 18 < 60 * KiB; i++) keys.push([`g${g}.k${i}`, 'v']);
    metadata += paxRecords(keys).length;
    parts.push(...pax('g', keys));
  }
  // Repeated x headers before one entry.
  for (let x = 0; x < 32; x++) {
    const keys = [];
    for (let i = 0; keys.length * 18 < 16 * KiB; i++) keys.push([`x${x}.k${i}`, 'v']);
    metadata += paxRecords(keys).length;
    parts.push(...pax('x', keys));
  }
  parts.push(header('first', '0', 0));
  entries += 1;
  // Deep PAX names until the per-archive cap on extended headers.
  const deep = 'd/'.repeat(1_900);
  for (let i = 0; ; i++) {
    const data = paxRecords([['path', `${deep}f${i}`]]);
    if (metadata + data.length > 8 * MiB - 4 * KiB) break;
    metadata += data.length;
    parts.push(header('PaxHeader', 'x', data.length), padded(data), header(`p${i}`, '0', 0));
    entries += 1;
  }
  // Plain entries up to the entry cap, deep through the ustar prefix (same chain of folders).
  const prefix = 'd/'.repeat(75).slice(0, -1);
  while (entries < 10_000 - 80) {
    parts.push(header(`u${entries}`, '0', 0, prefix));
    entries += 1;
  }
  parts.push(new Uint8Array(1024));
  return concat(parts);
}

/**
 * A benign plugin with as many entries as the worst archive and the same tar size: text files of
 * equal length in 40 folders, shallow names, no extended headers.
 */
export function benignArchiveTar(tarBytes, files) {
  const perFile = Math.floor((tarBytes - 1024 - files * 512) / files / 512) * 512;
  const words = 'agent plugin skill rule setup workspace platform token install stream archive ';
  const content = encoder.encode(words.repeat(Math.ceil(perFile / words.length)).slice(0, perFile));
  const parts = [];
  for (let i = 0; i < files; i++)
    parts.push(header(`dir${i % 40}/file${i}.md`, '0', content.length), content);
  // One last file takes up the rest, so that both tars have exactly the same size.
  const used = files * (512 + perFile) + 1024;
  const rest = tarBytes - used - 512;
  if (rest >= 0) parts.push(header('rest.md', '0', rest), new Uint8Array(rest).fill(0x61));
  parts.push(new Uint8Array(1024));
  return concat(parts);
}

function streamOf(bytes) {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 64 * KiB));
      offset += 64 * KiB;
    },
  });
}

async function installOnce(gz, name) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const started = performance.now();
  const result = await installPluginArchive(streamOf(gz), {
    name,
    sink: createMemoryPluginSink(),
    runSetup: false,
  });
  const elapsed = performance.now() - started;
  delay.disable();
  return { elapsed, maxStallMs: delay.max / 1e6, entries: result.entries };
}

/** Entries (not PAX records) in a tar made by this file: every header block that is not `x`/`g`. */
function countEntries(tar) {
  let count = 0;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const typeflag = String.fromCharCode(tar[offset + 156]);
    if (tar[offset] === 0) break;
    const size = Number.parseInt(new TextDecoder().decode(tar.subarray(offset + 124, offset + 135)), 8);
    if (typeflag !== 'x' && typeflag !== 'g') count += 1;
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return count;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function run({ quick = false, log = console.log } = {}) {
  const worstTar = worstArchiveTar();
  const worstEntryCount = countEntries(worstTar);
  const benignTar = benignArchiveTar(worstTar.length, worstEntryCount - 1);
  const worst = gzipSync(worstTar, { level: 6 });
  const benign = gzipSync(benignTar, { level: 6 });
  log(
    `worst: ${(worstTar.length / MiB).toFixed(1)} MiB tar, ${(worst.length / KiB).toFixed(0)} KiB gzip; ` +
      `benign: ${(benignTar.length / MiB).toFixed(1)} MiB tar, ${(benign.length / KiB).toFixed(0)} KiB gzip`,
  );
  await installOnce(benign, 'warm-benign');
  await installOnce(worst, 'warm-worst');
  const rounds = quick ? 3 : 9;
  const worstTimes = [];
  const benignTimes = [];
  const ratios = [];
  let maxStallMs = 0;
  let benignStallMs = 0;
  let worstEntries = 0;
  for (let i = 0; i < rounds; i++) {
    const b = await installOnce(benign, `benign${i}`);
    const w = await installOnce(worst, `worst${i}`);
    benignTimes.push(b.elapsed);
    worstTimes.push(w.elapsed);
    ratios.push(w.elapsed / b.elapsed);
    maxStallMs = Math.max(maxStallMs, w.maxStallMs);
    benignStallMs = Math.max(benignStallMs, b.maxStallMs);
    worstEntries = w.entries;
  }
  const ratio = median(ratios);
  return [
    {
      benchmark: `worst-case archive (${worstEntries} entries, ${(worstTar.length / MiB).toFixed(1)} MiB tar): install time`,
      ours: `${median(worstTimes).toFixed(0)} ms`,
      baseline: `${median(benignTimes).toFixed(0)} ms (benign plugin, same tar size and entry count)`,
      ratio: ratio.toFixed(2),
      // Three rounds in quick mode: too few for a stable ratio on a shared CI machine.
      target: quick ? '≤ 2 (informational in quick mode)' : '≤ 2',
      pass: quick || ratio <= 2,
      missedBy: (ratio - 2).toFixed(2),
      note:
        `${rounds} rounds, median of per-round ratios; memory sink, core's DecompressionStream gunzip. The worst archive: ` +
        'ten 60 KiB PAX global headers of distinct keys, 32 repeated x headers before one entry, PAX names 1,900 ' +
        'folders deep up to the 8 MiB cap on extended headers, then ustar entries 75 folders deep up to 10,000 entries; ' +
        `all files empty. Compressed: ${(worst.length / KiB).toFixed(0)} KiB vs ${(benign.length / KiB).toFixed(0)} KiB.`,
    },
    {
      benchmark: 'worst-case archive: longest event-loop stall during the install',
      ours: `${maxStallMs.toFixed(0)} ms`,
      baseline: '100 ms budget',
      ratio: (maxStallMs / 100).toFixed(2),
      // A stall counts time the process was not scheduled at all: a short run on a shared CI machine
      // is not evidence either way, so quick mode reports it.
      target: quick ? '≤ 100 ms (informational in quick mode)' : '≤ 100 ms',
      pass: quick || maxStallMs <= 100,
      missedBy: `${(maxStallMs - 100).toFixed(0)} ms`,
      dominates:
        `the benign install of the same rounds stalled up to ${benignStallMs.toFixed(0)} ms, ` +
        (benignStallMs >= maxStallMs
          ? 'as long or longer: scheduling on this machine, not the archive, sets the figure.'
          : "shorter: the worst archive's headers between two yields add the difference."),
      note:
        'perf_hooks.monitorEventLoopDelay (5 ms resolution), the maximum over every worst-case round. It counts time ' +
        'the process was not scheduled at all, so a loaded machine inflates it: for comparison, the benign install ' +
        `in the same rounds stalled up to ${benignStallMs.toFixed(0)} ms (the install yields every 256 headers or 10 ms).`,
    },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run({
    quick: process.argv.includes('--quick'),
    log: (line) => console.log(`  ${line}`),
  });
  for (const row of rows)
    console.log(
      `${row.pass ? '✓' : '✗'} ${row.benchmark}: ${row.ours} vs ${row.baseline} (ratio ${row.ratio}, target ${row.target})`,
    );
  if (!process.argv.includes('--no-write')) {
    const quick = process.argv.includes('--quick');
    const cell = (text) => String(text ?? '').replaceAll('|', '\\|');
    const section = [
      '## Worst-case plugin archive (`node bench/worst-archive.mjs`)',
      '',
      `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} CPU(s), load average ` +
        `${loadavg()[0].toFixed(1)} at the end${quick ? ', quick mode' : ''}.`,
      '',
      '| benchmark | ours | baseline | ratio | target | pass |',
      '|---|---|---|---|---|---|',
      ...rows.map(
        (row) =>
          `| ${cell(row.benchmark)} | ${cell(row.ours)} | ${cell(row.baseline)} | ${cell(row.ratio)} | ${cell(row.target)} | ${row.pass ? 'yes' : '**no**'} |`,
      ),
      '',
      ...rows.filter((row) => row.note).map((row) => `- **${cell(row.benchmark)}**: ${row.note}`),
      '',
    ].join('\n');
    writeSection(
      join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md'),
      section.split('\n')[0],
      section,
    );
  }
  process.exitCode = rows.every((row) => row.pass) ? 0 : 1;
}
