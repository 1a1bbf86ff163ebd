#!/usr/bin/env node
// Runs every benchmark module in bench/ and writes its section of bench/RESULTS.md (other sections,
// written by other tools, are left alone).
//
//   node bench/run.mjs            full run (writes RESULTS.md)
//   node bench/run.mjs --quick    fewer iterations, for CI (writes RESULTS.md too, marked "quick")
//   node bench/run.mjs --only client-overhead [--write]   one benchmark (RESULTS.md only with --write)
//   node bench/run.mjs --quick --no-write --smoke          what `npm test` runs: every benchmark must run to
//                                                          the end; a missed target is printed, not failed (a
//                                                          shared CI machine makes quick ratios too noisy to gate on)
//
// A benchmark is a file bench/<name>.mjs (not starting with "_", not this file) exporting
//   export const title = 'What it measures';
//   export async function run({ quick, log }) { return [row, ...]; }
// where each row is { benchmark, ours, baseline, ratio, target, pass, note? } with display strings for
// ours/baseline/ratio/target and a boolean pass. Needs the packages built first (`pnpm build`).
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatResults, RUN_SECTION, writeSection } from './_report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;
const smoke = args.includes('--smoke');
const write = args.includes('--write') || (!args.includes('--no-write') && only === undefined);

const modules = readdirSync(here)
  .filter((file) => file.endsWith('.mjs') && !file.startsWith('_') && file !== 'run.mjs')
  .map((file) => basename(file, '.mjs'))
  .filter((name) => only === undefined || name === only)
  .sort();
if (modules.length === 0) {
  console.error(only ? `no benchmark named ${only}` : 'no benchmarks found');
  process.exit(2);
}

const results = [];
const startedAt = new Date();
let failed = false;
let crashed = false;
for (const name of modules) {
  const mod = await import(pathToFileURL(join(here, `${name}.mjs`)).href);
  if (typeof mod.run !== 'function') continue;
  console.log(`▶ ${name}: ${mod.title ?? ''}`);
  // The 1-minute load average around each module: on a shared machine it says which figures to trust.
  const loadBefore = loadavg()[0];
  try {
    const rows = await mod.run({ quick, log: (line) => console.log(`  ${line}`) });
    const load = { before: loadBefore, after: loadavg()[0] };
    for (const row of rows) {
      results.push({ module: name, load, ...row });
      console.log(
        `  ${row.pass ? '✓' : '✗'} ${row.benchmark}: ours ${row.ours}, baseline ${row.baseline}, ratio ${row.ratio} (target ${row.target})`,
      );
      if (!row.pass) failed = true;
    }
  } catch (error) {
    failed = true;
    crashed = true;
    console.error(`  ✗ ${name} crashed:`, error);
    results.push({
      module: name,
      load: { before: loadBefore, after: loadavg()[0] },
      benchmark: name,
      ours: 'error',
      baseline: '',
      ratio: '',
      target: '',
      pass: false,
      note: String(error?.message ?? error),
    });
  }
}

if (write) {
  writeSection(join(here, 'RESULTS.md'), RUN_SECTION, formatResults(results, { quick, startedAt }));
  console.log('wrote its section of bench/RESULTS.md');
}
process.exit(crashed || (failed && !smoke) ? 1 : 0);
