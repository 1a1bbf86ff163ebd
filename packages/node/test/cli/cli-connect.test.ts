import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createFileTokenStore } from '../../src/stores/index.js';
import { type CliRun, runCliProcess, waitForOutput } from './cli-process.js';
import { useCliSandbox } from './cli-sandbox.js';

// Real child processes on a shared two-core machine: generous limits (safety nets, not assertions).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const sandbox = useCliSandbox('molecule-cli-connect-');

const HANDLERS: Record<string, string> = {
  'echo.mjs': "export default async function onMessage(message) { return 'echo: ' + message.text; }\n",
  'named.mjs':
    "export async function onMessage(message) { return 'named: ' + message.text; }\nexport const notAFunction = 42;\n",
  'throws-on-import.mjs': "throw new Error('boom while importing');\n",
  'syntax-error.mjs': 'export default function (\n',
  'no-default.mjs': 'export const answer = () => "x";\n',
  'handler.cjs': "module.exports = async (message) => 'cjs: ' + message.text;\n",
  'agent.ts': 'export default (m: unknown) => "typed";\n',
  'flaky.mjs':
    "export default async function (message) { if (message.text === 'fail') throw new Error('handler exploded'); return 'ok: ' + message.text; }\n",
};

beforeEach(async () => {
  for (const [name, source] of Object.entries(HANDLERS))
    await writeFile(join(sandbox.home.path, name), source);
});

function envFor(workspaceId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: sandbox.home.path,
    MOLECULE_PLATFORM_URL: sandbox.platform.url,
    MOLECULE_WORKSPACE_ID: workspaceId,
    MOLECULE_POLL_INTERVAL: '0.1',
    ...extra,
  };
}

function connect(
  workspaceId: string,
  args: string[],
  extra: Record<string, string> = {},
  onSpawn?: (c: ChildProcess) => void,
) {
  return runCliProcess(['connect', ...args], {
    cwd: sandbox.home.path,
    env: envFor(workspaceId, extra),
    ...(onSpawn ? { onSpawn } : {}),
  });
}

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function expectUsageError(run: CliRun, pattern: RegExp): void {
  expect(run.code).toBe(2);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^molecule-agent: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stdout).toBe('');
}

function requestsOf(workspaceId: string) {
  return sandbox.platform.sim.requests.filter((r) => {
    const body = r.json as { id?: string; workspace_id?: string } | undefined;
    return r.path.includes(workspaceId) || body?.id === workspaceId || body?.workspace_id === workspaceId;
  });
}

describe('connect: handler resolution (ports of test_cli_connect)', () => {
  it('resolve_handler_happy_path: FILE#EXPORT and a default export both load and run', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    const named = await connect(id, ['--handler', './named.mjs#onMessage', '--max-iterations', '1']);
    // Only the notice of a first registration from this machine.
    expect(named.stderr).toMatch(/^\[molecule\] warn: first registration of workspace [^\n]*\n$/);
    expect(named.code).toBe(0);
    const byDefault = await connect(id, ['--handler', './echo.mjs', '--max-iterations', '1']);
    expect(byDefault.code).toBe(0);
    const commonJs = await connect(id, ['--max-iterations', '1'], { MOLECULE_HANDLER: './handler.cjs' });
    expect(commonJs.code).toBe(0);
  });

  it('a missing --handler names the option and its variable', async () => {
    expectUsageError(await connect('ws-none', []), /missing --handler \(or MOLECULE_HANDLER\)/);
  });

  it('resolve_handler_empty_module_exits: "#fn" is malformed', async () => {
    expectUsageError(
      await connect('ws-none', ['--handler', '#onMessage']),
      /'#onMessage' is malformed: the module path is empty/,
    );
  });

  it('resolve_handler_empty_function_exits: "file#" is malformed', async () => {
    expectUsageError(
      await connect('ws-none', ['--handler', './named.mjs#']),
      /is malformed: the export name after '#' is empty/,
    );
  });

  it('resolve_handler_import_error_exits: a missing file, a throwing module and a syntax error', async () => {
    expectUsageError(
      await connect('ws-none', ['--handler', './nope.mjs']),
      /could not import \.\/nope\.mjs: no such file/,
    );
    expectUsageError(
      await connect('ws-none', ['--handler', './throws-on-import.mjs']),
      /could not import \.\/throws-on-import\.mjs: boom while importing/,
    );
    expectUsageError(
      await connect('ws-none', ['--handler', './syntax-error.mjs']),
      /could not import \.\/syntax-error\.mjs: /,
    );
  });

  it('resolve_handler_missing_colon_exits, turned around: the Python module:function form gets a hint towards FILE#EXPORT', async () => {
    expectUsageError(
      await connect('ws-none', ['--handler', 'my_agent.handlers:on_message']),
      /no such file .*looks like the Python SDK's module:function form; here --handler is FILE#EXPORT, e\.g\. '\.\/my_agent\/handlers\.js#on_message'/,
    );
    // A plain missing file gets no such hint.
    expect((await connect('ws-none', ['--handler', './nope.mjs'])).stderr).not.toContain('module:function');
  });

  it('resolve_handler_attribute_error_exits: a missing export lists what the module exports', async () => {
    expectUsageError(
      await connect('ws-none', ['--handler', './named.mjs#nope']),
      /\.\/named\.mjs has no export 'nope' \(it exports: notAFunction, onMessage/,
    );
    expectUsageError(await connect('ws-none', ['--handler', './no-default.mjs']), /has no default export/);
  });

  it('resolve_handler_not_callable_exits: an export that is not a function', async () => {
    expectUsageError(
      await connect('ws-none', ['--handler', './named.mjs#notAFunction']),
      /\.\/named\.mjs#notAFunction is not a function \(it is number\)/,
    );
  });

  it('a TypeScript file gets a clear message instead of a loader error', async () => {
    expectUsageError(
      await connect('ws-none', ['--handler', './agent.ts']),
      /Node cannot run TypeScript directly/,
    );
  });

  it('handler errors happen before any request to the platform', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    const before = requestsOf(id).length;
    await connect(id, ['--handler', './nope.mjs']);
    expect(requestsOf(id).length).toBe(before);
  });

  it('a bad MOLECULE_POLL_INTERVAL fails connect with a clear message (and only connect)', async () => {
    expectUsageError(
      await connect('ws-none', ['--handler', './echo.mjs'], { MOLECULE_POLL_INTERVAL: 'abc' }),
      /MOLECULE_POLL_INTERVAL must be a positive number of seconds, got "abc"/,
    );
  });
});

describe('connect: registration', () => {
  it('connect_command_register_failure: no token for a workspace that has one exits 3 before the loop', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({ external: true });
    const run = await connect(id, ['--handler', './echo.mjs']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^molecule-agent: error: workspace .* has no token here.*token recover/);
    expect(run.stdout).toBe('');
    expect(requestsOf(id).filter((r) => r.path === '/registry/heartbeat')).toEqual([]);
  });

  it('connect_command_register_failure_returns_2, for a platform error: register answering 500 exits 1 before the loop', async () => {
    const { id, token } = await sandbox.platform.sim.admin.createWorkspace({ external: true });
    sandbox.platform.sim.setFaults({
      rules: [
        { method: 'POST', path: '/registry/register', count: 1, fault: { type: 'status', status: 500 } },
      ],
    });
    try {
      const run = await connect(id, ['--handler', './echo.mjs'], { MOLECULE_WORKSPACE_TOKEN: token! });
      // Python exited 2 for every register failure; 2 is kept for usage errors here, a failed call is 1.
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^molecule-agent: error: .*register.*500/m);
      expect(run.stdout).toBe('');
      expect(requestsOf(id).filter((r) => r.path === '/registry/heartbeat')).toEqual([]);
    } finally {
      sandbox.platform.sim.setFaults();
    }
  });

  it('a provided token still re-registers WITH the bearer (so a new URL or agent card is published; Python skipped register when it had a token) and is never written to disk', async () => {
    const { id, token } = await sandbox.platform.sim.admin.createWorkspace({ external: true });
    const run = await connect(id, ['--handler', './echo.mjs', '--max-iterations', '1'], {
      MOLECULE_WORKSPACE_TOKEN: token as string,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const registers = requestsOf(id).filter((r) => r.path === '/registry/register');
    expect(registers.map((r) => r.headers.authorization)).toEqual(['Bearer [redacted]']);
    expect(requestsOf(id).some((r) => r.path === '/registry/heartbeat')).toBe(true);
    expect(await readdir(sandbox.home.path)).not.toContain('.molecule');
    expect(run.stdout + run.stderr).not.toContain(token as string);
  });

  it('with a cached token it re-registers so a new agent card is published (Python never did)', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    expect((await runCliProcess(['register', '--agent-name', 'old name'], { env: envFor(id) })).code).toBe(0);
    const run = await connect(id, [
      '--handler',
      './echo.mjs',
      '--max-iterations',
      '1',
      '--agent-name',
      'new name',
    ]);
    expect(run.code).toBe(0);
    expect(sandbox.platform.sim.admin.workspace(id)?.agentCard).toMatchObject({ name: 'new name' });
    const registers = requestsOf(id).filter((r) => r.path === '/registry/register');
    expect(registers.map((r) => r.headers.authorization)).toEqual([undefined, 'Bearer [redacted]']);
  });

  it('the first connect saves the issued token 0600 and prints the connected line without it', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    const run = await connect(id, ['--handler', './echo.mjs', '--max-iterations', '1']);
    expect(run.code).toBe(0);
    const token = await createFileTokenStore({ directory: join(sandbox.home.path, '.molecule') }).load(id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(join(sandbox.home.path, '.molecule', id, '.auth_token'))).mode & 0o777).toBe(0o600);
    expect(run.stdout).toContain(
      `[molecule] connected as ${id} (platform=${sandbox.platform.url}, delivery=poll, interval=0.1s)`,
    );
    expect(run.stdout).toContain('[molecule] ran 1 iterations: exiting');
    expect(run.stdout + run.stderr).not.toContain(token as string);
  });
});

describe('connect: the running agent', () => {
  it('answers a canvas message through the handler, saves the cursor, and exits 130 on SIGINT', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    let child: ChildProcess | undefined;
    const running = connect(id, ['--handler', './echo.mjs'], {}, (c) => {
      child = c;
    });
    await waitForOutput(child as ChildProcess, '[molecule] connected as');
    await sandbox.platform.sim.admin.sendCanvasMessage(id, 'hello there');
    const reply = await waitFor(
      () => sandbox.platform.sim.admin.notifications(id).find((n) => n.message === 'echo: hello there'),
      'the reply',
    );
    expect(reply.message).toBe('echo: hello there');

    const cursorPath = join(sandbox.home.path, '.molecule', id, 'inbound-cursor.json');
    const cursor = await waitFor(() => {
      try {
        return readFileSync(cursorPath, 'utf8');
      } catch {
        return undefined;
      }
    }, 'the cursor file');
    expect(JSON.parse(cursor).seen.length).toBeGreaterThan(0);
    expect((await stat(cursorPath)).mode & 0o777).toBe(0o600);

    child?.kill('SIGINT');
    const run = await running;
    expect(run.code).toBe(130);
    expect(run.stdout).toContain('[molecule] received SIGINT: finishing messages in flight, then exiting');
    expect(run.stdout).toContain('[molecule] stopped cleanly');
  });

  it('SIGTERM stops cleanly with exit 0, and --json prints one JSON event per line', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    let child: ChildProcess | undefined;
    const running = connect(id, ['--handler', './echo.mjs', '--json'], {}, (c) => {
      child = c;
    });
    await waitForOutput(child as ChildProcess, '"event":"connected"');
    child?.kill('SIGTERM');
    const run = await running;
    expect(run.code).toBe(0);
    const events = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string });
    expect(events.map((e) => e.event)).toEqual(['connected', 'stopping', 'stopped']);
    expect(events[2]).toMatchObject({ reason: 'aborted', signal: 'SIGTERM' });
  });

  it('exits 0 when the platform pauses the workspace', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    let child: ChildProcess | undefined;
    const running = connect(id, ['--handler', './echo.mjs', '--state-interval', '0.2'], {}, (c) => {
      child = c;
    });
    await waitForOutput(child as ChildProcess, '[molecule] connected as');
    await sandbox.platform.sim.admin.pause(id);
    const run = await running;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[molecule] platform reports workspace paused: exiting');
  });

  it('exits 3 when the platform stops accepting the token (the workspace was deleted)', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    let child: ChildProcess | undefined;
    const running = connect(id, ['--handler', './echo.mjs', '--state-interval', '0.1', '--json'], {}, (c) => {
      child = c;
    });
    await waitForOutput(child as ChildProcess, '"event":"connected"');
    await sandbox.platform.sim.admin.delete(id);
    const run = await running;
    expect(run.code).toBe(3);
    const events = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; reason?: string });
    expect(events.at(-1)).toMatchObject({ event: 'stopped', reason: 'revoked' });
    expect(run.stderr).toContain('molecule-agent: error: the platform refuses this workspace token');
  });

  it('a handler that throws is logged on stderr and the agent keeps answering', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    let child: ChildProcess | undefined;
    const running = connect(id, ['--handler', './flaky.mjs'], {}, (c) => {
      child = c;
    });
    await waitForOutput(child as ChildProcess, '[molecule] connected as');
    await sandbox.platform.sim.admin.sendCanvasMessage(id, 'fail');
    await sandbox.platform.sim.admin.sendCanvasMessage(id, 'second');
    await waitFor(
      () => sandbox.platform.sim.admin.notifications(id).find((n) => n.message === 'ok: second'),
      'the reply',
    );
    child?.kill('SIGTERM');
    const run = await running;
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/\[molecule\] error: message handler failed.*handler exploded/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
