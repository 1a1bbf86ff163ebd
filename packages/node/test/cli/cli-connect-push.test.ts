import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDirectory } from '../stores/helpers.js';
import { CLI_PATH, requireBuiltCli, runCliProcess, waitForOutput } from './cli-process.js';

// Real child processes on a shared machine: generous limits (safety nets, not assertions).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const SIM_CLI = fileURLToPath(new URL('../../../platform/bin/molecule-platform-sim.js', import.meta.url));
const NODE_DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** `molecule-platform-sim ...args` as a child process, with its URL and admin token once it listens. */
interface SimProcess {
  child: ChildProcess;
  url: string;
  adminToken: string;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  stop(): Promise<void>;
}

async function startSimProcess(args: string[]): Promise<SimProcess> {
  const child = spawn(process.execPath, [SIM_CLI, ...args], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  await waitForOutput(child, /admin token: \S+\n/);
  const url = /listening on (\S+)/.exec(out)![1]!;
  const adminToken = /admin token: (\S+)/.exec(out)![1]!;
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    child,
    url,
    adminToken,
    async admin(method, path, body) {
      const response = await fetch(`${url}/admin/sim${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: await response.json() };
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

let home: { path: string; remove(): Promise<void> };
let sim: SimProcess | undefined;
/** Children a failed test may leave running; killed after each test. */
const children: ChildProcess[] = [];
beforeEach(async () => {
  requireBuiltCli();
  home = await makeTempDirectory('molecule-cli-push-');
  await writeFile(
    join(home.path, 'h.mjs'),
    "export default async function (message) { return 'answered: ' + message.text; }\n",
  );
});
afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await sim?.stop();
  sim = undefined;
  await home.remove();
});

/** Resolves once `condition()` holds (checked every 20 ms); fails after 20 s. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function externalWorkspace(target: SimProcess): Promise<{ id: string; token: string }> {
  const created = await target.admin('POST', '/workspaces', { external: true });
  expect(created.status).toBe(201);
  return created.json as { id: string; token: string };
}

describe('connect --listen/--public-url against molecule-platform-sim --port 0 --dev (both built, both child processes)', () => {
  it('a canvas message sent through the admin API comes back answered, and SIGTERM ends connect with exit 0', async () => {
    sim = await startSimProcess(['--port', '0', '--dev']);
    const { id, token } = await externalWorkspace(sim);
    const connect = spawn(
      process.execPath,
      [
        CLI_PATH,
        'connect',
        '--handler',
        './h.mjs',
        '--listen',
        '127.0.0.1:0',
        '--public-url',
        'http://localhost:{port}',
      ],
      {
        cwd: home.path,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home.path,
          MOLECULE_PLATFORM_URL: sim.url,
          MOLECULE_WORKSPACE_ID: id,
          MOLECULE_WORKSPACE_TOKEN: token,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(connect);
    let stdout = '';
    let stderr = '';
    connect.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    connect.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      connect.on('close', (code, signal) => resolve({ code, signal })),
    );
    await waitForOutput(connect, '[molecule] connected as');
    expect(stdout).toMatch(
      new RegExp(
        `connected as ${id} \\(platform=${sim.url}, delivery=push, url=http://localhost:(\\d+), listen=127\\.0\\.0\\.1:\\1\\)`,
      ),
    );

    const sent = await sim.admin('POST', `/workspaces/${id}/messages`, { text: 'hello from the canvas' });
    expect(sent.status).toBe(200);
    expect(JSON.stringify(sent.json)).toContain('answered: hello from the canvas');
    await eventually(
      () => /\[molecule\] handled message \S+ from an unidentified sender in \d+ ms/.test(stdout),
      'the handled line',
    );

    // SIGTERM must end it cleanly well within 10 s; the kill below is only a safety net.
    connect.kill('SIGTERM');
    const safety = setTimeout(() => connect.kill('SIGKILL'), 10_000);
    const result = await closed;
    clearTimeout(safety);
    expect(result).toEqual({ code: 0, signal: null });
    expect(stdout).toContain('[molecule] stopped cleanly');
    expect(stdout + stderr).not.toContain(token);
  });

  it('--json prints a message event per handled message; the register refusal of poll mode names the ways out', async () => {
    sim = await startSimProcess(['--port', '0', '--dev']);
    const { id, token } = await externalWorkspace(sim);
    const env = {
      HOME: home.path,
      MOLECULE_PLATFORM_URL: sim.url,
      MOLECULE_WORKSPACE_ID: id,
      MOLECULE_WORKSPACE_TOKEN: token,
    };

    // Without --listen the agent polls and sends the placeholder, which a stock platform refuses.
    const refused = await runCliProcess(['connect', '--handler', './h.mjs'], { cwd: home.path, env });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('invalid request body');
    expect(refused.stderr).toContain('--listen [HOST:]PORT --public-url URL');
    expect(refused.stderr).toContain('a platform that accepts poll-only agents');
    expect(refused.stderr).toContain('--allow-placeholder-url');

    let child: ChildProcess | undefined;
    const running = runCliProcess(['connect', '--handler', './h.mjs', '--json'], {
      cwd: home.path,
      env: { ...env, MOLECULE_LISTEN: '0' },
      onSpawn: (c) => {
        child = c;
        children.push(c);
      },
    });
    await waitForOutput(child!, '"event":"connected"');
    const sent = await sim.admin('POST', `/workspaces/${id}/messages`, { text: 'json please' });
    expect(JSON.stringify(sent.json)).toContain('answered: json please');
    // The line may already be out: wait for the process to have said it by stopping after it.
    child!.kill('SIGTERM');
    const run = await running;
    expect(run.code).toBe(0);
    const events = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events[0]).toMatchObject({
      event: 'connected',
      delivery: 'push',
      listen: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
    expect(events[0]!.url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(events.find((e) => e.event === 'message')).toMatchObject({
      status: 'handled',
      messageId: expect.any(String),
      delivery: 'push',
      durationMs: expect.any(Number),
    });
  });

  it('a bad --listen or --public-url is a usage error naming the option', async () => {
    const env = {
      HOME: home.path,
      MOLECULE_PLATFORM_URL: 'http://127.0.0.1:9',
      MOLECULE_WORKSPACE_ID: '0b9f6a3e-5c1d-4e7a-9b2f-3c4d5e6f7a8b',
    };
    const listen = await runCliProcess(['connect', '--handler', './h.mjs', '--listen', 'nowhere'], {
      cwd: home.path,
      env,
    });
    expect(listen.code).toBe(2);
    expect(listen.stderr).toMatch(/^molecule-agent: error: --listen must be \[HOST:\]PORT/);
    const url = await runCliProcess(['connect', '--handler', './h.mjs'], {
      cwd: home.path,
      env: { ...env, MOLECULE_PUBLIC_URL: 'ftp://agent.example' },
    });
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/^molecule-agent: error: MOLECULE_PUBLIC_URL must be an http\(s\) URL/);
  });
});

describe('one cursor per machine: a program and the CLI share it through MOLECULE_TOKEN_DIR', () => {
  it('createFileCursorStore() in a program reads the cursor the CLI saved', async () => {
    sim = await startSimProcess(['--port', '0', '--dev', '--allow-placeholder-url']);
    const { id, token } = await externalWorkspace(sim);
    const tokenDir = join(home.path, 'shared');
    let child: ChildProcess | undefined;
    const running = runCliProcess(['connect', '--handler', './h.mjs', '--poll-interval', '0.05'], {
      cwd: home.path,
      env: {
        HOME: home.path,
        MOLECULE_PLATFORM_URL: sim.url,
        MOLECULE_WORKSPACE_ID: id,
        MOLECULE_WORKSPACE_TOKEN: token,
        MOLECULE_TOKEN_DIR: tokenDir,
      },
      onSpawn: (c) => {
        child = c;
        children.push(c);
        c.stdout?.on('data', (chunk: Buffer) => {
          childOutput += chunk.toString();
        });
      },
    });
    let childOutput = '';
    await waitForOutput(child!, '[molecule] connected as');
    await sim.admin('POST', `/workspaces/${id}/messages`, { text: 'remember me' });
    await eventually(() => childOutput.includes('from the canvas'), 'the handled line');
    child!.kill('SIGTERM');
    expect((await running).code).toBe(0);

    // A program on the same machine, with the same environment and no options.
    const program = await new Promise<string>((resolve, reject) => {
      const reader = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const { createFileCursorStore } = await import(${JSON.stringify(NODE_DIST)});
           const store = createFileCursorStore();
           console.log(JSON.stringify({ path: store.describe(${JSON.stringify(id)}), state: await store.load(${JSON.stringify(id)}) }));`,
        ],
        {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: join(home.path, 'elsewhere'),
            MOLECULE_TOKEN_DIR: tokenDir,
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      reader.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
      });
      reader.on('error', reject);
      reader.on('close', () => resolve(out));
    });
    const { path, state } = JSON.parse(program) as {
      path: string;
      state: { cursor: string | null; seen: string[] } | null;
    };
    expect(path).toBe(join(tokenDir, id, 'inbound-cursor.json'));
    expect(state?.seen.length).toBeGreaterThan(0);
  });
});
