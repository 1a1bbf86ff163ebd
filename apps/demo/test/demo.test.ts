import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUN_BIN, type DemoRun, jsonLines, requireBuiltDemo, runDemoProcess } from './demo-process.js';

/** One request as the simulator recorded it (the shape `--record` writes). */
interface Recorded {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  json?: unknown;
}

const STEPS = [
  'platform',
  'helper',
  'register',
  'secrets',
  'plugin',
  'online',
  'peers',
  'call-direct',
  'call-proxy',
  'canvas',
  'delegate',
  'heartbeat',
  'pause',
  'restart',
  'delete',
];

let work: string;

beforeAll(() => requireBuiltDemo());
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'demo-test-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Every token file under `dir` (`<dir>/<workspace id>/.auth_token`), read back. */
async function tokensIn(dir: string): Promise<string[]> {
  const tokens: string[] = [];
  for (const id of await readdir(dir)) {
    tokens.push((await readFile(join(dir, id, '.auth_token'), 'utf8')).trim());
  }
  return tokens;
}

/** Processes whose working directory is inside `dir` (a setup.sh left behind would be one). Linux only. */
async function processesInside(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cwd.startsWith(dir)) found.push(pid);
  }
  return found;
}

function stepById(
  lines: Array<Record<string, unknown>>,
  id: string,
): Record<string, unknown> & { data: Record<string, unknown> } {
  const step = lines.find((line) => line.type === 'step' && line.id === id);
  expect(step, `step ${id}`).toBeDefined();
  return step as Record<string, unknown> & { data: Record<string, unknown> };
}

describe('pnpm demo against the embedded simulator', () => {
  // One run, looked at from several sides.
  let simWork: string;
  let run: DemoRun;
  let lines: Array<Record<string, unknown>>;
  let recorded: Recorded[];
  let tokenDir: string;

  beforeAll(async () => {
    simWork = await mkdtemp(join(tmpdir(), 'demo-test-sim-'));
    tokenDir = join(simWork, 'tokens');
    const record = join(simWork, 'requests.json');
    run = await runDemoProcess(['--json', '--record', record], {
      env: { MOLECULE_TOKEN_DIR: tokenDir, TMPDIR: simWork },
    });
    lines = jsonLines(run.stdout);
    recorded = JSON.parse(await readFile(record, 'utf8')) as Recorded[];
  });
  afterAll(async () => {
    await rm(simWork, { recursive: true, force: true });
  });

  it('runs every step, in order, and exits 0 with one JSON object per step', async () => {
    expect(run.stderr).toBe('');
    expect(run.code, run.stderr).toBe(0);
    expect(lines[0]).toMatchObject({ type: 'start', mode: 'simulator', runtime: 'node' });
    const steps = lines.filter((line) => line.type === 'step');
    expect(steps.map((s) => s.id)).toEqual(STEPS);
    expect(steps.every((s) => s.status === 'ok')).toBe(true);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', status: 'ok' });
    expect((summary.requests as unknown[]).length).toBe(recorded.length);
  });

  it('shows what each step did, and the platform recorded it', async () => {
    const platform = stepById(lines, 'platform').data;
    const agent = platform.agentWorkspaceId as string;
    const helper = platform.helperWorkspaceId as string;
    const byAgent = (method: string, path: string): Recorded[] =>
      recorded.filter((r) => r.method === method && r.path === path);

    // register: the first call has no token yet and gets one minted; the restart re-uses it.
    const register = stepById(lines, 'register').data;
    expect(register).toMatchObject({ tokenIssued: true, tokenFileMode: '600' });
    const registers = byAgent('POST', '/registry/register').filter(
      (r) => (r.json as { id?: string }).id === agent,
    );
    expect(registers.map((r) => r.status)).toEqual([200, 200]);
    expect(registers[0]!.headers.authorization).toBeUndefined();
    expect(registers[1]!.headers.authorization).toBe('Bearer [redacted]');
    expect(stepById(lines, 'restart').data).toMatchObject({ tokenIssued: false, status: 'online' });

    expect(stepById(lines, 'secrets').data.names).toEqual(['DEMO_GREETING', 'OPENAI_API_KEY']);
    expect(byAgent('GET', `/workspaces/${agent}/secrets/values`)[0]?.status).toBe(200);

    // plugin: downloaded, verified against plugin.yaml, setup.sh ran without the token.
    const plugin = stepById(lines, 'plugin');
    expect(plugin.data).toMatchObject({
      name: 'hello-tools',
      files: 7,
      verifiedWith: 'plugin.yaml',
      setupOk: true,
    });
    expect(plugin.output).toContain('workspace token visible to setup.sh: no');
    expect(plugin.output).toContain('greeting from the workspace secrets: hello from the platform');
    expect(byAgent('GET', `/workspaces/${agent}/plugins/hello-tools/download`)[0]?.status).toBe(200);
    expect(byAgent('POST', `/workspaces/${agent}/plugins`)[0]?.status).toBe(503);

    // peers: listed as the agent; the helper's URL comes with the list (and is cached).
    const peers = stepById(lines, 'peers').data;
    expect(peers.peers).toEqual([{ id: helper, name: 'helper', status: 'online' }]);
    expect(peers.discoveredUrl).toMatch(/^http:\/\/localhost:\d+\/a2a\/[A-Za-z0-9_-]{4}…$/);
    expect(byAgent('GET', `/registry/${agent}/peers`)[0]?.status).toBe(200);

    // calls: the direct one never touches the platform; the proxied one does, once.
    expect(stepById(lines, 'call-direct').data).toMatchObject({
      route: 'direct',
      reply: 'helper here. You said: Hi helper, are you there?',
    });
    expect(stepById(lines, 'call-proxy').data).toMatchObject({ route: 'proxy', status: 'completed' });
    const proxied = byAgent('POST', `/workspaces/${helper}/a2a`);
    expect(proxied).toHaveLength(1);
    expect(proxied[0]).toMatchObject({ status: 200, headers: { 'x-workspace-id': agent } });

    // canvas: a message without a caller; the reply comes back and a notify goes out.
    const canvas = stepById(lines, 'canvas').data;
    expect(canvas).toMatchObject({ httpStatus: 200, reply: 'Sure! I posted a status report to the canvas.' });
    expect(canvas.notify).toMatch(/^Status of demo-agent: 1 plugin\(s\) installed \(hello-tools\)/);
    const chat = byAgent('POST', `/workspaces/${agent}/a2a`);
    expect(chat).toHaveLength(1);
    expect(chat[0]!.headers['x-workspace-id']).toBeUndefined();
    expect(byAgent('POST', `/workspaces/${agent}/notify`)[0]?.status).toBe(200);

    // delegation: accepted at once, answered by the helper in the background.
    const delegate = stepById(lines, 'delegate').data;
    expect(delegate).toMatchObject({ delegateStatus: 'delegated', resultStatus: 'completed' });
    expect(delegate.result).toMatch(/^Three facts/);
    const delegated = byAgent('POST', `/workspaces/${agent}/delegate`);
    expect(delegated[0]).toMatchObject({ status: 202, json: { target_id: helper } });

    // heartbeats: the loop's and the explicit one.
    expect(stepById(lines, 'heartbeat').data).toMatchObject({
      status: 'online',
      live: true,
      currentTask: 'Showing the demo',
    });
    const heartbeats = byAgent('POST', '/registry/heartbeat').filter(
      (r) => (r.json as { workspace_id?: string }).workspace_id === agent,
    );
    expect(heartbeats.length).toBeGreaterThanOrEqual(2);
    expect(heartbeats.every((r) => r.status === 200)).toBe(true);

    // pause → exit 'paused'; delete → tokens revoked, /state 401 → exit 'revoked'.
    expect(stepById(lines, 'pause').data.exitReason).toBe('paused');
    expect(stepById(lines, 'delete').data.exitReason).toBe('revoked');
    const states = byAgent('GET', `/workspaces/${agent}/state`).map((r) => r.status);
    expect(states).toContain(200);
    expect(states.slice(-3)).toEqual([401, 401, 401]);
  });

  it('never shows a token: not on stdout, not on stderr, not in the record', async () => {
    const tokens = await tokensIn(tokenDir);
    expect(tokens).toHaveLength(2); // the demo agent's and the helper's
    const record = await readFile(join(simWork, 'requests.json'), 'utf8');
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(run.stdout).not.toContain(token);
      expect(run.stderr).not.toContain(token);
      expect(record).not.toContain(token);
    }
  });

  it('leaves nothing behind: temp folders removed, no process left in them', async () => {
    expect((await readdir(simWork)).sort()).toEqual(['requests.json', 'tokens']);
    expect(await processesInside(simWork)).toEqual([]);
  });
});

describe('pnpm demo:bun', () => {
  it('runs the same agent under Bun, with the Bun push server and setup runner', async () => {
    const tokenDir = join(work, 'tokens');
    const run = await runDemoProcess(['--json'], {
      bun: true,
      env: { MOLECULE_TOKEN_DIR: tokenDir, TMPDIR: work },
    });
    expect(run.code, `${BUN_BIN}: ${run.stderr}`).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines[0]).toMatchObject({ type: 'start', runtime: 'bun' });
    const steps = lines.filter((line) => line.type === 'step');
    expect(steps.map((s) => [s.id, s.status])).toEqual(STEPS.map((id) => [id, 'ok']));
    expect(stepById(lines, 'call-direct').data.route).toBe('direct');
    expect(stepById(lines, 'plugin').data.setupOk).toBe(true);
    expect(stepById(lines, 'delete').data.exitReason).toBe('revoked');
    for (const token of await tokensIn(tokenDir)) {
      expect(run.stdout + run.stderr).not.toContain(token);
    }
  });
});

describe('pnpm demo on a pipe, without --json', () => {
  it('prints plain lines, one block per step, without escape codes', async () => {
    const run = await runDemoProcess([], { env: { TMPDIR: work } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('\x1b');
    const marks = run.stdout.split('\n').filter((line) => /^✓ +\d+\. /.test(line));
    expect(marks).toHaveLength(STEPS.length);
    expect(run.stdout).toMatch(/^Demo complete: 15 steps; the platform saw \d+ requests \(/m);
    expect(await readdir(work)).toEqual([]);
  });
});

describe('Ctrl-C', () => {
  it('stops cleanly mid-run: exit 130, a "stopped" summary, no stack trace, nothing left behind', async () => {
    let signalled = false;
    const run = await runDemoProcess(['--json'], {
      env: { TMPDIR: work },
      onLine(line, child) {
        // Right before the plugin install (download, then setup.sh): the busiest moment.
        if (!signalled && line.includes('"id":"secrets"')) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(signalled, run.stderr).toBe(true);
    expect(run.signal).toBeNull();
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toMatch(/\n\s+at /);
    const lines = jsonLines(run.stdout);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', status: 'stopped', message: 'stopped' });
    const steps = lines.filter((line) => line.type === 'step');
    expect(steps.every((s) => s.status === 'ok' || s.status === 'stopped')).toBe(true);
    expect(steps.some((s) => s.id === 'delete')).toBe(false);
    expect(await readdir(work)).toEqual([]);
    expect(await processesInside(work)).toEqual([]);
  });

  it('an early Ctrl-C, at the first line of output, still ends with "stopped" and 130', async () => {
    let signalled = false;
    const run = await runDemoProcess([], {
      env: { TMPDIR: work },
      onLine(_line, child) {
        if (signalled) return;
        signalled = true;
        child.kill('SIGINT');
      },
    });
    expect(run.code, run.stderr).toBe(130);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^stopped/);
    expect(run.stderr).toBe('');
  });
});

describe('options', () => {
  it('--help prints the usage and exits 0', async () => {
    const run = await runDemoProcess(['--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('MOLECULE_PLATFORM_URL');
  });

  it('an unknown option is a usage error (exit 2, one line on stderr)', async () => {
    const run = await runDemoProcess(['--bogus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('demo: unknown option "--bogus" (see --help)\n');
  });

  it('half a real-platform setting is refused rather than silently ignored', async () => {
    const run = await runDemoProcess([], { env: { MOLECULE_PLATFORM_URL: 'http://127.0.0.1:9' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/set both MOLECULE_PLATFORM_URL and MOLECULE_WORKSPACE_ID/);
  });
});

describe('pnpm demo:worker', () => {
  it('runs the Workers example in Miniflare against the simulator, tick by tick', async () => {
    const record = join(work, 'requests.json');
    const run = await runDemoProcess(['--worker', '--json', '--record', record], { env: { TMPDIR: work } });
    expect(run.code, run.stderr).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines[0]).toMatchObject({ type: 'start', runtime: 'Cloudflare Worker (Miniflare)' });
    const steps = lines.filter((line) => line.type === 'step');
    expect(steps.map((s) => [s.id, s.status])).toEqual(
      ['platform', 'register', 'heartbeat', 'canvas', 'pause', 'stopped'].map((id) => [id, 'ok']),
    );
    // The worker's own console output lands under the step that caused it.
    expect(stepById(lines, 'register').output).toEqual([
      expect.stringMatching(/^\[agent\] tick ran \(registered\)/),
    ]);
    expect(stepById(lines, 'register').data).toMatchObject({
      registered: true,
      status: 'online',
      liveTokens: 1,
    });
    expect(stepById(lines, 'heartbeat').data).toMatchObject({
      status: 'online',
      live: true,
      requests: ['POST /registry/heartbeat → 200', 'GET /workspaces/:id/state → 200'],
    });
    expect(stepById(lines, 'canvas').data).toEqual({ httpStatus: 200, reply: 'echo: Hello, worker!' });
    expect(stepById(lines, 'pause').data.stopReason).toBe('paused');
    expect(stepById(lines, 'stopped').data.requests).toEqual([]);

    const recorded = JSON.parse(await readFile(record, 'utf8')) as Recorded[];
    const registers = recorded.filter((r) => r.path === '/registry/register');
    expect(registers).toHaveLength(1);
    expect(registers[0]!.headers.authorization).toBeUndefined();
    // The token lives in the worker's KV only: nothing token-shaped is printed.
    expect(run.stdout + run.stderr).not.toMatch(/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/);
    expect(await readdir(work)).toEqual(['requests.json']);
  });

  it('--durable runs the Durable Object example: two workspaces, one object each, on alarms', async () => {
    const run = await runDemoProcess(['--worker', '--durable', '--json'], { env: { TMPDIR: work } });
    expect(run.code, run.stderr).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines[0]).toMatchObject({
      type: 'start',
      runtime: 'Cloudflare Worker, Durable Objects (Miniflare)',
    });
    const steps = lines.filter((line) => line.type === 'step');
    expect(steps.map((s) => [s.id, s.status])).toEqual(
      ['platform', 'start', 'canvas', 'alarms'].map((id) => [id, 'ok']),
    );
    const ids = stepById(lines, 'platform').data.workspaceIds as string[];
    expect(ids).toHaveLength(2);
    expect(stepById(lines, 'start').data).toEqual({ registers: 2, online: [true, true] });
    expect(stepById(lines, 'canvas').data.replies).toEqual(
      ids.map((id) => `echo from ${id.slice(0, 8)}: Hello, object!`),
    );
    expect(stepById(lines, 'alarms').data.running).toEqual([true, true]);
    // Tokens and push capabilities stay inside the objects: nothing of that shape is printed.
    expect(run.stdout + run.stderr).not.toMatch(/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/);
  });

  it('Ctrl-C while Miniflare starts: wrangler and Miniflare do not cut it short; exit 130, "stopped", nothing left', async () => {
    let signalled = false;
    const run = await runDemoProcess(['--worker', '--json'], {
      env: { TMPDIR: work },
      onLine(line, child) {
        if (!signalled && line.includes('"type":"start"')) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(run.code, run.stderr).toBe(130);
    expect(jsonLines(run.stdout).at(-1)).toMatchObject({ type: 'summary', status: 'stopped' });
    expect(run.stderr).toBe('');
    // Miniflare's temp folder goes with it.
    expect(await readdir(work)).toEqual([]);
  });

  it('refuses --durable without --worker (usage error, exit 2)', async () => {
    const run = await runDemoProcess(['--durable']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--durable is a variant of --worker/);
  });

  it('refuses --worker with a real platform configured (usage error, exit 2)', async () => {
    const run = await runDemoProcess(['--worker'], {
      env: { MOLECULE_PLATFORM_URL: 'http://127.0.0.1:9', MOLECULE_WORKSPACE_ID: 'x' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--worker runs against the simulator only/);
  });
});
