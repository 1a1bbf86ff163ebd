// Archives served by the simulator, read back with GNU tar (the reference reader).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPlatformSim, type PluginFiles } from '../../src/index.js';

const work = mkdtempSync(join(tmpdir(), 'platform-sim-tar-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const WS = '0a000000-0000-4000-8000-00000000000a';
const MTIME = Date.UTC(2026, 3, 27, 10, 0, 0);

async function archiveOf(name: string, files: PluginFiles): Promise<string> {
  const sim = createPlatformSim({ seed: 9, clock: { now: () => MTIME } });
  await sim.admin.addPlugin(name, files);
  const token = await sim.admin.mintToken((await sim.admin.createWorkspace({ id: WS })).id);
  const res = await sim.fetch(
    new Request(`http://platform.test/workspaces/${WS}/plugins/${name}/download`, {
      headers: { Authorization: `Bearer ${token}` },
    }),
  );
  expect(res.status).toBe(200);
  const file = join(work, `${name}.tar.gz`);
  writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
  return file;
}

interface Listed {
  mode: string;
  owner: string;
  size: number;
  date: string;
  path: string;
}

function gnuList(file: string): Listed[] {
  const out = execFileSync('tar', ['-tvzf', file], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out
    .trimEnd()
    .split('\n')
    .map((line) => {
      const m = /^(\S+) (\S+)\s+(\d+) (\S+ \S+) (.+)$/.exec(line);
      if (!m) throw new Error(`unexpected tar line: ${line}`);
      return { mode: m[1]!, owner: m[2]!, size: Number(m[3]), date: m[4]!, path: m[5]! };
    });
}

describe('GNU tar reads the archives the simulator serves', () => {
  it('matches the contract format table (order, types, modes, owner, mtime, no ./ or trailing slash)', async () => {
    const file = await archiveOf('demo', {
      'plugin.yaml': 'name: demo\n',
      'skills/foo/SKILL.md': '# Foo\n',
      'skills/a.md': 'a',
      'bin/run.sh': { content: '#!/bin/sh\n', mode: 0o755 },
      '.env.example': 'X=1\n',
      'empty/': '',
      'private/': { dir: true, mode: 0o700 },
    });
    expect(gnuList(file)).toEqual([
      { mode: '-rw-r--r--', owner: '1000/1000', size: 4, date: '2026-04-27 10:00', path: '.env.example' },
      { mode: 'drwxr-xr-x', owner: '1000/1000', size: 0, date: '2026-04-27 10:00', path: 'bin' },
      { mode: '-rwxr-xr-x', owner: '1000/1000', size: 10, date: '2026-04-27 10:00', path: 'bin/run.sh' },
      { mode: 'drwxr-xr-x', owner: '1000/1000', size: 0, date: '2026-04-27 10:00', path: 'empty' },
      { mode: '-rw-r--r--', owner: '1000/1000', size: 11, date: '2026-04-27 10:00', path: 'plugin.yaml' },
      { mode: 'drwx------', owner: '1000/1000', size: 0, date: '2026-04-27 10:00', path: 'private' },
      { mode: 'drwxr-xr-x', owner: '1000/1000', size: 0, date: '2026-04-27 10:00', path: 'skills' },
      { mode: '-rw-r--r--', owner: '1000/1000', size: 1, date: '2026-04-27 10:00', path: 'skills/a.md' },
      { mode: 'drwxr-xr-x', owner: '1000/1000', size: 0, date: '2026-04-27 10:00', path: 'skills/foo' },
      {
        mode: '-rw-r--r--',
        owner: '1000/1000',
        size: 6,
        date: '2026-04-27 10:00',
        path: 'skills/foo/SKILL.md',
      },
    ]);
    // single gzip member; the inflated tar is not padded to a 10240-byte record
    const tarSize = execFileSync('sh', ['-c', `gzip -dc '${file}' | wc -c`], { encoding: 'utf8' }).trim();
    expect(Number(tarSize) % 10240).not.toBe(0);
    expect(Number(tarSize) % 512).toBe(0);
  });

  it('a >100-byte path split into the USTAR prefix field lists and extracts intact', async () => {
    const long = `${'segment-one-'.repeat(6)}/${'segment-two-'.repeat(6)}/leaf-file.txt`;
    expect(long.length).toBeGreaterThan(100);
    const file = await archiveOf('deep', { [long]: 'deep\n' });
    expect(gnuList(file).map((e) => e.path)).toContain(long);
    const raw = execFileSync('sh', ['-c', `gzip -dc '${file}'`]);
    expect(raw.includes(Buffer.from('PaxHeaders'))).toBe(false);
    const out = join(work, 'deep-out');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xzf', file, '-C', out]);
    expect(readFileSync(join(out, long), 'utf8')).toBe('deep\n');
  });

  it('non-ASCII and >255-byte paths travel as PAX records that GNU tar honours', async () => {
    const over = `${'x'.repeat(200)}/${'y'.repeat(80)}.md`;
    const file = await archiveOf('intl', { 'café/menü.txt': 'crème\n', [over]: 'long\n', 'naïve.md': 'n' });
    const listed = gnuList(file).map((e) => e.path);
    expect(listed).toEqual(['café', 'café/menü.txt', 'naïve.md', 'x'.repeat(200), over]);
    const raw = execFileSync('sh', ['-c', `gzip -dc '${file}'`]);
    expect(raw.includes(Buffer.from('PaxHeaders.0/caf'))).toBe(true);
    const out = join(work, 'intl-out');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xzf', file, '-C', out]);
    expect(readFileSync(join(out, 'café/menü.txt'), 'utf8')).toBe('crème\n');
    expect(readFileSync(join(out, over), 'utf8')).toBe('long\n');
    expect(statSync(join(out, 'café')).isDirectory()).toBe(true);
  });
});
