#!/usr/bin/env node
// Runs `deno test` on this folder's tests from a temporary folder outside the repository.
// Deno, started inside a pnpm workspace, rewrites the root package.json (it migrates
// pnpm-workspace.yaml into a "workspaces" field); from outside it only sees this folder's
// package.json, deno.json and node_modules, linked in. Extra arguments go to `deno test`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'molecule-deno-run-'));
let status = 1;
try {
  for (const file of ['package.json', 'deno.json']) copyFileSync(join(here, file), join(work, file));
  for (const link of ['node_modules', 'test']) symlinkSync(join(here, link), join(work, link));
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  // --no-check: tsc type-checks these files (the typecheck task); Deno's own checker resolves the
  // packages' `.d.ts` imports of `./x.js` to the JavaScript file and reports false errors.
  const result = spawnSync(
    join(here, 'node_modules/.bin/deno'),
    ['test', '--allow-all', '--no-prompt', '--no-check', ...args, 'test/'],
    { cwd: work, stdio: 'inherit', env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } },
  );
  status = result.status ?? 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(status);
