// Starts the real CLI (the built bin) as a child process.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(pkgDir, 'dist', 'node', 'cli.js');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function start(args: string[]): { child: ChildProcess; lines: Promise<string[]> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines = new Promise<string[]>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const got = out.split('\n').filter(Boolean);
      if (got.length >= (args.includes('--json') ? 1 : 2)) resolve(got);
    });
    child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
  });
  return { child, lines };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('molecule-platform-sim CLI', () => {
  it('--port 0 prints its URL and admin token; a register call works over HTTP; SIGTERM stops it', async () => {
    const { child, lines } = start(['--port', '0', '--seed', '4']);
    const [first, second] = await lines;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first!)![1]!;
    const adminToken = /^admin token: (\S+)$/.exec(second!)![1]!;
    expect(adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const res = await fetch(`${url}/registry/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id: '0a000000-0000-4000-8000-00000000000a',
        url: 'https://agent.example.com',
        agent_card: {},
      }),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).auth_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const admin = await fetch(`${url}/admin/sim/workspaces`, {
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    expect((await admin.json())[0].id).toBe('0a000000-0000-4000-8000-00000000000a');
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('--json, --dev --no-admin-token, --org-id, --activity-feed cursor and --plugins are applied', async () => {
    const plugins = mkdtempSync(join(tmpdir(), 'cli-plugins-'));
    mkdirSync(join(plugins, 'hello'));
    writeFileSync(join(plugins, 'hello', 'plugin.yaml'), 'name: hello\n');
    try {
      const { child, lines } = start([
        '--port',
        '0',
        '--json',
        '--dev',
        '--no-admin-token',
        '--org-id',
        'org-9',
        '--activity-feed',
        'cursor',
        '--plugins',
        plugins,
      ]);
      const info = JSON.parse((await lines)[0]!);
      expect(info).toMatchObject({
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        adminToken: '',
      });
      const health = await fetch(`${info.url}/health`);
      expect(health.headers.get('x-ratelimit-limit')).toBe('unlimited');
      const id = '0b000000-0000-4000-8000-00000000000b';
      await fetch(`${info.url}/registry/register`, {
        method: 'POST',
        body: JSON.stringify({ id, url: 'http://localhost:1', agent_card: {} }),
      });
      const org = { 'X-Molecule-Org-Id': 'org-9' };
      expect((await fetch(`${info.url}/workspaces/${id}/state`)).status).toBe(404);
      const gone = await fetch(
        `${info.url}/workspaces/${id}/activity?since_id=0f000000-0000-4000-8000-00000000000f`,
        { headers: org },
      );
      expect(gone.status).toBe(410);
      const tar = await fetch(`${info.url}/workspaces/${id}/plugins/hello/download`, { headers: org });
      expect(tar.status).toBe(200);
      expect(tar.headers.get('x-plugin-name')).toBe('hello');
      child.kill('SIGINT');
      expect(await exited(child)).toBe(0);
    } finally {
      rmSync(plugins, { recursive: true, force: true });
    }
  });

  it('--production, --enable-test-tokens and --canvas-proxy-url are applied (Host = the listener address)', async () => {
    const id = '0c000000-0000-4000-8000-00000000000c';
    const prod = start(['--port', '0', '--json', '--seed', '5', '--production']);
    const p = JSON.parse((await prod.lines)[0]!);
    await fetch(`${p.url}/admin/sim/workspaces`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${p.adminToken}` },
      body: JSON.stringify({ id, external: true, url: 'https://c.example.com' }),
    });
    const off = await fetch(`${p.url}/admin/workspaces/${id}/test-token`, {
      headers: { Authorization: `Bearer ${p.adminToken}` },
    });
    expect(off.status).toBe(404);
    expect(await off.text()).toBe('{"error":"not found"}');
    prod.child.kill('SIGTERM');
    expect(await exited(prod.child)).toBe(0);

    const canvas = start([
      '--port',
      '0',
      '--json',
      '--production',
      '--enable-test-tokens',
      '--org-id',
      'org-7',
      '--canvas-proxy-url',
      'http://canvas:3000',
    ]);
    const c = JSON.parse((await canvas.lines)[0]!);
    await fetch(`${c.url}/admin/sim/workspaces`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${c.adminToken}` },
      body: JSON.stringify({ id, external: true, url: 'https://c.example.com' }),
    });
    const on = await fetch(`${c.url}/admin/workspaces/${id}/test-token`, {
      headers: { Authorization: `Bearer ${c.adminToken}`, 'X-Molecule-Org-Id': 'org-7' },
    });
    expect(on.status).toBe(200);
    const state = await fetch(`${c.url}/workspaces/${id}/state`, { headers: { Origin: c.url } });
    expect(state.status).toBe(200);
    expect(await state.json()).toMatchObject({ workspace_id: id, status: 'online' });
    const foreign = await fetch(`${c.url}/workspaces/${id}/state`, {
      headers: { Referer: 'http://elsewhere.test/' },
    });
    expect([foreign.status, await foreign.text()]).toEqual([404, '']);
    canvas.child.kill('SIGTERM');
    expect(await exited(canvas.child)).toBe(0);
  });

  it('--help prints usage; an unknown option exits with 2', async () => {
    const help = spawn(process.execPath, [CLI, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    help.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    expect(await exited(help)).toBe(0);
    expect(text).toContain('Usage: molecule-platform-sim');
    const bad = spawn(process.execPath, [CLI, '--bogus'], { stdio: 'ignore' });
    expect(await exited(bad)).toBe(2);
  });
});
