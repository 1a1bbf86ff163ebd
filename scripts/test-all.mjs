#!/usr/bin/env node
// Runs every test of every package in its own runtime (vitest on Node, vitest-pool-workers in
// workerd, bun test on Bun, deno test on Deno), plus the build, the package checks, the API
// reference and a release dry run, and ends with one line `N passed, N failed` totalled across all
// runners. Exits non-zero on any failure.
//
// Each package declares what it runs through its scripts: `test` (vitest, Node), `test:workers`
// (vitest in workerd), `test:bun` (bun test), `test:deno` (deno test) and `test:reliability` (a
// vitest suite of its own, reported on its own row and left out of `test`). Packages that list
// `moleculeTests.nodeMatrix: true` also run their vitest suite on Node 22 and Node 24, whose
// binaries `npm run setup` installs into tools/runtimes. Every runner writes a machine-readable
// report into `<package>/.test-results/`, which is read back here; a runner that dies without a
// report counts as one failure, so a crash can never pass as "0 failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2); // optional package dirs to limit the run, e.g. packages/core
const totals = { passed: 0, failed: 0, skipped: 0 };
const rows = [];

function run(label, cmd, args, cwd, env = {}) {
  const started = Date.now();
  console.log(`\n━━ ${label}`);
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: '0', ...env },
  });
  return { code: r.status ?? 1, seconds: ((Date.now() - started) / 1000).toFixed(1) };
}

const nodeMajor = process.versions.node.split('.')[0];
// The extra Node versions of the matrix, as installed by `npm run setup` (tools/runtimes).
const matrix = [22, 24].map((major) => {
  const folder = join(
    root,
    'tools/runtimes/node_modules',
    `node${major}-${process.platform}-${process.arch}`,
  );
  return { major, bin: join(folder, 'bin'), node: join(folder, 'bin/node') };
});
const vitestEntry = join(root, 'node_modules/vitest/vitest.mjs');

function record(label, passed, failed, skipped, seconds) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  rows.push({ label, passed, failed, skipped, seconds });
}

// `changeset status` compares with the base branch; a clone of another branch (or a CI checkout)
// may have only the remote's copy of it.
function changesetBase() {
  const has = (ref) =>
    spawnSync('git', ['rev-parse', '--verify', '--quiet', ref], { cwd: root }).status === 0;
  return has('main') ? 'main' : has('origin/main') ? 'origin/main' : 'main';
}

// 1. Build and static checks: each is one "test" in the totals.
const checks = [
  ['build', ['turbo', 'run', 'build', '--output-logs=errors-only']],
  ['typecheck', ['turbo', 'run', 'typecheck', '--output-logs=errors-only']],
  ['lint', ['biome', 'check', '.']],
  [
    'package checks (publint, attw, neutral core)',
    ['turbo', 'run', 'check:pkg', '--output-logs=errors-only'],
  ],
  ['API reference (typedoc: every export documented, no broken link)', ['typedoc']],
  ['changeset status', ['changeset', 'status', `--since=${changesetBase()}`]],
  [
    'benchmarks run (quick smoke; figures in bench/RESULTS.md)',
    ['node', 'bench/run.mjs', '--quick', '--no-write', '--smoke'],
  ],
];
for (const [label, [cmd, ...args]] of checks) {
  const { code, seconds } = run(label, cmd, args, root);
  record(label, code === 0 ? 1 : 0, code === 0 ? 0 : 1, 0, seconds);
  if (label === 'build' && code !== 0) break;
}

// The release dry run counts each of its checks (scripts/release-dry-run.mjs says which).
{
  const out = join(root, '.test-results', 'release-dry-run.json');
  mkdirSync(join(root, '.test-results'), { recursive: true });
  rmSync(out, { force: true });
  const { code, seconds } = run(
    'release dry run',
    'node',
    ['scripts/release-dry-run.mjs', '--report', out],
    root,
  );
  if (!existsSync(out)) record(`release dry run (no report, exit ${code})`, 0, 1, 0, seconds);
  else {
    const { checks: done } = JSON.parse(readFileSync(out, 'utf8'));
    const failed = done.filter((c) => !c.ok).length;
    record('release dry run (version, pack, install, use)', done.length - failed, failed, 0, seconds);
  }
}

// 2. Test runners, package by package.
const dirs = ['packages', 'apps', 'tests']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .filter((dir) => only.length === 0 || only.some((o) => dir.endsWith(o)));

for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const results = join(dir, '.test-results');
  rmSync(results, { recursive: true, force: true });
  mkdirSync(results, { recursive: true }); // bun writes its report only into an existing folder
  const name = relative(root, dir);
  const report = (file) => ['--reporter=default', '--reporter=json', `--outputFile.json=${file}`];
  if (pkg.scripts?.test) {
    const out = join(results, 'vitest.json');
    // The reliability suite is reported on a row of its own (below), so it leaves the main run.
    const exclude = pkg.scripts['test:reliability'] ? ['--exclude=test/reliability/**'] : [];
    const { code, seconds } = run(
      `${name}: vitest (Node ${nodeMajor})`,
      'pnpm',
      ['run', '--silent', 'test', ...exclude, ...report(out)],
      dir,
    );
    recordVitest(`${name} · node ${nodeMajor}`, out, code, seconds);
  }
  if (pkg.scripts?.['test:reliability']) {
    const out = join(results, 'reliability.json');
    const { code, seconds } = run(
      `${name}: reliability (Node ${nodeMajor})`,
      'pnpm',
      ['run', '--silent', 'test:reliability', ...report(out)],
      dir,
    );
    recordVitest(`${name} · reliability`, out, code, seconds);
  }
  if (pkg.scripts?.test && pkg.moleculeTests?.nodeMatrix) {
    for (const { major, bin, node } of matrix) {
      const label = `${name} · node ${major}`;
      if (!existsSync(node)) {
        console.log(
          `\n━━ ${label}: no Node ${major} binary for ${process.platform}-${process.arch} (npm run setup installs it)`,
        );
        record(`${label} (Node ${major} not installed)`, 0, 1, 0, '0.0');
        continue;
      }
      const out = join(results, `vitest-node${major}.json`);
      // vitest's workers run on the node that starts it; PATH covers child processes the tests spawn.
      const { code, seconds } = run(
        `${name}: vitest (Node ${major})`,
        node,
        [vitestEntry, 'run', ...report(out)],
        dir,
        { PATH: `${bin}:${process.env.PATH}` },
      );
      recordVitest(label, out, code, seconds);
    }
  }
  if (pkg.scripts?.['test:workers']) {
    const out = join(results, 'workers.json');
    const { code, seconds } = run(
      `${name}: vitest (workerd)`,
      'pnpm',
      [
        'run',
        '--silent',
        'test:workers',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${out}`,
      ],
      dir,
    );
    recordVitest(`${name} · workerd`, out, code, seconds);
  }
  if (pkg.scripts?.['test:bun']) {
    const out = join(results, 'bun.xml');
    const { code, seconds } = run(
      `${name}: bun test`,
      'pnpm',
      ['run', '--silent', 'test:bun', '--reporter=junit', `--reporter-outfile=${out}`],
      dir,
    );
    recordJunit(`${name} · bun`, out, code, seconds);
  }
  if (pkg.scripts?.['test:deno']) {
    const out = join(results, 'deno.xml');
    const { code, seconds } = run(
      `${name}: deno test`,
      'pnpm',
      ['run', '--silent', 'test:deno', `--junit-path=${out}`],
      dir,
    );
    recordJunit(`${name} · deno`, out, code, seconds);
  }
}

function recordVitest(label, file, code, seconds) {
  if (!existsSync(file)) return record(`${label} (no report, exit ${code})`, 0, 1, 0, seconds);
  const r = JSON.parse(readFileSync(file, 'utf8'));
  // A file that fails to load has no tests but counts as a failed suite.
  const brokenFiles = (r.testResults ?? []).filter(
    (t) => t.status === 'failed' && t.assertionResults.length === 0,
  ).length;
  const failed =
    r.numFailedTests + brokenFiles + (code !== 0 && r.numFailedTests + brokenFiles === 0 ? 1 : 0);
  record(label, r.numPassedTests, failed, r.numPendingTests + r.numTodoTests, seconds);
}

function recordJunit(label, file, code, seconds) {
  if (!existsSync(file)) return record(`${label} (no report, exit ${code})`, 0, 1, 0, seconds);
  const xml = readFileSync(file, 'utf8');
  const head = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? '';
  const num = (attr) => Number(new RegExp(`\\b${attr}="(\\d+)"`).exec(head)?.[1] ?? 0);
  const tests = num('tests');
  const failed = num('failures') + num('errors');
  const skipped = num('skipped');
  const extra = code !== 0 && failed === 0 ? 1 : 0;
  record(label, tests - failed - skipped, failed + extra, skipped, seconds);
}

console.log('\n━━ Summary');
for (const r of rows) {
  const skipped = r.skipped ? `, ${r.skipped} skipped` : '';
  console.log(
    `${r.failed ? '✗' : '✓'} ${r.label.padEnd(52)} ${r.passed} passed, ${r.failed} failed${skipped}  (${r.seconds}s)`,
  );
}
console.log(
  `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
);
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
