#!/usr/bin/env node
// A release, rehearsed without publishing: in a temporary copy of the repository, `changeset version`
// bumps the packages and writes their CHANGELOG.md; `pnpm pack` packs every publishable package; npm
// installs the tarballs into a fresh project outside the workspace, which then checks what a user
// meets: ESM import and require() of every entry, a strict TypeScript consumer under
// `moduleResolution` nodenext and node10, `npx molecule-agent --help`, and a smoke agent against
// `molecule-platform-sim` started from the installed tarball.
//
// Run after `turbo run build` (the packages' dist/ is packed as built). Every check is printed and,
// with `--report FILE`, written as JSON `{ checks: [{ name, ok, error? }] }` for scripts/test-all.mjs.
// The only network use is npm's: the packages' registry dependencies and TypeScript, which npm takes
// from its cache when it can (--prefer-offline).
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reportFile = process.argv.includes('--report')
  ? process.argv[process.argv.indexOf('--report') + 1]
  : null;
const keep = process.argv.includes('--keep'); // leave the temporary folder for inspection
const TYPESCRIPT = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies.typescript;

// The smoke agent, run in the consumer project with the installed packages only: the operator's
// side goes through the simulator's HTTP admin API, the agent's side through the SDK and its CLI.
const SMOKE_AGENT = `
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgentClient } from '@molecule-ai/agent-core';
import { createFileTokenStore, PeerUnreachableError, sendMessage } from '@molecule-ai/agent-node';

const url = process.env.SIM_URL;
async function admin(method, path, body) {
  const response = await fetch(url + '/admin/sim' + path, {
    method,
    headers: { authorization: 'Bearer ' + process.env.SIM_ADMIN_TOKEN, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(method + ' ' + path + ': ' + response.status + ' ' + (await response.text()));
  return response.json();
}
const expect = (condition, what) => { if (!condition) throw new Error('expected ' + what); };

const directory = mkdtempSync(join(tmpdir(), 'molecule-smoke-'));
try {
  const workspace = await admin('POST', '/workspaces', { external: true, name: 'smoke' });
  await admin('PUT', '/workspaces/' + workspace.id + '/secrets', { SMOKE: 'yes' });
  const tokenStore = createFileTokenStore({ directory });
  await tokenStore.save(workspace.id, workspace.token);
  const client = createAgentClient({ workspaceId: workspace.id, platformUrl: url, tokenStore, reportedUrl: 'https://agent.example/a2a' });
  await client.register();
  expect((await client.pullSecrets()).SMOKE === 'yes', 'the secret');
  await client.heartbeat();
  expect((await client.pollState()).shouldStop === false, 'an online workspace');
  // Peer calls are functions of the runtime package too; a peer without a URL is a typed refusal.
  const peer = await admin('POST', '/workspaces', { external: true, name: 'smoke-peer' });
  const refused = await sendMessage(client, peer.id, 'hello').catch((error) => error);
  expect(refused instanceof PeerUnreachableError, 'a message to a peer without a URL to be PeerUnreachableError');

  const cli = (...args) => execFileSync('npx', ['--no-install', 'molecule-agent', ...args,
    '--platform-url', url, '--workspace-id', workspace.id, '--token-dir', directory, '--json'], { encoding: 'utf8' });
  expect(JSON.stringify(JSON.parse(cli('state'))).includes('online'), 'molecule-agent state to say online');

  await admin('POST', '/workspaces/' + workspace.id + '/pause');
  expect((await client.pollState()).paused === true, 'the pause to be seen');
  console.log('smoke agent: ok');
} finally {
  rmSync(directory, { recursive: true, force: true });
}
`;

const checks = [];
async function check(name, fn) {
  try {
    await fn();
    checks.push({ name, ok: true });
    console.log(`✓ ${name}`);
    return true;
  } catch (error) {
    const message = error?.stderr
      ? `${error.message}\n${error.stdout ?? ''}${error.stderr}`
      : String(error?.stack ?? error);
    checks.push({ name, ok: false, error: message });
    console.log(`✗ ${name}\n  ${message.replaceAll('\n', '\n  ')}`);
    return false;
  }
}
function ensure(condition, what) {
  if (!condition) throw new Error(`expected ${what}`);
}
const sh = (cmd, args, cwd, extra = {}) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe', ...extra });

const work = mkdtempSync(join(tmpdir(), 'molecule-release-'));
const copy = join(work, 'repo');
const tarballs = join(work, 'tarballs');
const consumer = join(work, 'consumer');
const packages = readdirSync(join(root, 'packages'))
  .map((name) => join('packages', name))
  .filter((dir) => existsSync(join(root, dir, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);
const packed = new Map(); // name → { file, pkg (as packed) }

try {
  // 1. A copy of the repository as git sees it (tracked files and new, unignored ones) plus each
  // package's build output; the tools come from the real node_modules through a link.
  const files = sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root)
    .split('\0')
    .filter((file) => file && existsSync(join(root, file)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(root, file), join(copy, file));
  }
  for (const { dir } of packages)
    cpSync(join(root, dir, 'dist'), join(copy, dir, 'dist'), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  // pnpm pack turns `workspace:` ranges into versions read from the linked packages, so each
  // package's workspace dependencies are linked to their (bumped) copies.
  const byName = new Map(packages.map(({ dir, pkg }) => [pkg.name, dir]));
  for (const { dir, pkg } of packages) {
    const ranges = { ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies };
    for (const [name, range] of Object.entries(ranges)) {
      if (!range.startsWith('workspace:') || !byName.has(name)) continue;
      const link = join(copy, dir, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(join(copy, byName.get(name)), link);
    }
  }

  await check('changeset version bumps every package and writes its CHANGELOG.md', () => {
    sh(join(root, 'node_modules/.bin/changeset'), ['version'], copy);
    const left = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    ensure(left.length === 0, `every changeset consumed, left: ${left.join(', ')}`);
    for (const { dir, pkg } of packages) {
      const bumped = JSON.parse(readFileSync(join(copy, dir, 'package.json'), 'utf8'));
      ensure(bumped.version !== pkg.version, `${pkg.name} bumped from ${pkg.version}`);
      const changelog = readFileSync(join(copy, dir, 'CHANGELOG.md'), 'utf8');
      ensure(
        changelog.includes(`## ${bumped.version}`),
        `${pkg.name}'s CHANGELOG.md to have a ${bumped.version} section`,
      );
    }
  });

  const wasPacked = await check(
    'pnpm pack packs every publishable package with LICENSE, README.md and CHANGELOG.md',
    () => {
      mkdirSync(tarballs);
      for (const { dir } of packages) {
        const out = sh(
          join(root, 'node_modules/.bin/pnpm'),
          ['pack', '--pack-destination', tarballs],
          join(copy, dir),
        )
          .trim()
          .split('\n')
          .pop();
        const file = out.startsWith('/') ? out : join(tarballs, out);
        const listing = sh('tar', ['-tzf', file], tarballs).split('\n');
        const pkg = JSON.parse(sh('tar', ['-xzOf', file, 'package/package.json'], tarballs));
        for (const required of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']) {
          ensure(listing.includes(`package/${required}`), `${pkg.name}'s tarball to contain ${required}`);
        }
        ensure(
          !JSON.stringify(pkg).includes('workspace:'),
          `${pkg.name}'s packed package.json without workspace: ranges`,
        );
        for (const field of ['repository', 'homepage', 'bugs', 'keywords', 'license']) {
          ensure(pkg[field], `${pkg.name}'s packed package.json to have "${field}"`);
        }
        packed.set(pkg.name, { file, pkg });
      }
    },
  );

  if (!wasPacked) throw new Error('stopping: nothing to install without the tarballs');

  // 2. A fresh npm project outside the workspace, as a user has.
  mkdirSync(consumer);
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'molecule-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  const installed = await check('npm installs the tarballs into an empty project', () => {
    sh(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        ...[...packed.values()].map(({ file }) => file),
        `typescript@${TYPESCRIPT}`,
      ],
      consumer,
    );
    for (const name of packed.keys())
      ensure(existsSync(join(consumer, 'node_modules', name)), `${name} installed`);
  });
  if (!installed) throw new Error('stopping: nothing to check without the installed packages');

  // Every entry point each package exports, as import specifiers.
  const entries = [...packed.values()].flatMap(({ pkg }) =>
    Object.keys(pkg.exports)
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) => pkg.name + subpath.slice(1)),
  );

  await check(`ESM import of every entry point (${entries.length})`, () => {
    const script = entries
      .map(
        (spec, i) =>
          `import * as m${i} from '${spec}';\nif (Object.keys(m${i}).length === 0) throw new Error('${spec} exports nothing');`,
      )
      .join('\n');
    writeFileSync(join(consumer, 'esm-check.mjs'), `${script}\nconsole.log('ok');\n`);
    ensure(sh('node', ['esm-check.mjs'], consumer).trim() === 'ok', 'the ESM check to print ok');
  });

  await check(`require() of every entry point (${entries.length}; Node >= 20.19 loads ESM)`, () => {
    const script = entries
      .map(
        (spec) =>
          `if (Object.keys(require('${spec}')).length === 0) throw new Error('${spec} exports nothing');`,
      )
      .join('\n');
    writeFileSync(join(consumer, 'require-check.cjs'), `${script}\nconsole.log('ok');\n`);
    const out = sh('node', ['--no-warnings', 'require-check.cjs'], consumer);
    ensure(out.trim() === 'ok', 'the require check to print ok');
  });

  // A strict consumer: every entry imported, all declaration files checked (skipLibCheck off).
  const source = entries.map((spec, i) => `import * as m${i} from '${spec}';`).join('\n');
  writeFileSync(
    join(consumer, 'consumer.ts'),
    `${source}\nexport const modules: readonly object[] = [${entries.map((_, i) => `m${i}`).join(', ')}];\n`,
  );
  for (const [resolution, module] of [
    ['nodenext', 'nodenext'],
    ['node10', 'commonjs'],
  ]) {
    await check(`strict TypeScript ${TYPESCRIPT} consumer, moduleResolution ${resolution}`, () => {
      const config = {
        compilerOptions: {
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          target: 'es2022',
          module,
          moduleResolution: resolution,
          types: ['node'],
          ...(resolution === 'node10' ? { ignoreDeprecations: '5.0' } : {}),
        },
        files: ['consumer.ts'],
      };
      writeFileSync(join(consumer, `tsconfig.${resolution}.json`), JSON.stringify(config, null, 2));
      sh(join(consumer, 'node_modules/.bin/tsc'), ['-p', `tsconfig.${resolution}.json`], consumer);
    });
  }

  await check('npx molecule-agent --help', () => {
    const out = sh('npx', ['--no-install', 'molecule-agent', '--help'], consumer);
    ensure(/Usage: molecule-agent/.test(out), `the CLI's usage, got: ${out.slice(0, 200)}`);
  });

  await check('a smoke agent against molecule-platform-sim started from the installed tarball', async () => {
    const sim = spawn('npx', ['--no-install', 'molecule-platform-sim', '--port', '0', '--json'], {
      cwd: consumer,
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true, // npx → node: the whole group is stopped at the end
    });
    try {
      const first = await new Promise((resolve, reject) => {
        let buffered = '';
        sim.stdout.on('data', (chunk) => {
          buffered += chunk;
          if (buffered.includes('\n')) resolve(buffered.split('\n')[0]);
        });
        sim.on('exit', (code) => reject(new Error(`molecule-platform-sim exited with ${code}`)));
      });
      const { url, adminToken } = JSON.parse(first);
      writeFileSync(join(consumer, 'smoke-agent.mjs'), SMOKE_AGENT);
      const out = sh('node', ['smoke-agent.mjs'], consumer, {
        env: { ...process.env, SIM_URL: url, SIM_ADMIN_TOKEN: adminToken },
        timeout: 60_000,
      });
      ensure(out.includes('smoke agent: ok'), `the smoke agent to finish, got:\n${out}`);
    } finally {
      try {
        process.kill(-sim.pid, 'SIGTERM');
      } catch {}
    }
  });
} catch (error) {
  console.log(`✗ release dry run stopped: ${error.message}`);
  checks.push({ name: 'release dry run', ok: false, error: error.message });
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

if (reportFile) writeFileSync(reportFile, JSON.stringify({ checks }, null, 2));
const failed = checks.filter((c) => !c.ok).length;
console.log(`release dry run: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
