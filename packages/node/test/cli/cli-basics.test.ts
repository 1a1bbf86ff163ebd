import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFileTokenStore } from '../../src/stores/index.js';
import { makeTempDirectory } from '../stores/helpers.js';
import { requireBuiltCli, runCliProcess } from './cli-process.js';

// Real child processes on a shared two-core machine: generous limits (safety nets, not assertions).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const WS = '0c1d2e3f-aaaa-4bbb-8ccc-ddddeeeeffff';
const COMMANDS = [
  'connect',
  'register',
  'state',
  'peers',
  'install-plugin',
  'hash',
  'verify',
  'token',
  'token recover',
];
let home: { path: string; remove(): Promise<void> };

beforeAll(() => requireBuiltCli());
beforeEach(async () => {
  home = await makeTempDirectory('molecule-cli-home-');
});
afterEach(async () => {
  await home.remove();
});

const env = (extra: Record<string, string> = {}): Record<string, string> => ({ HOME: home.path, ...extra });

function expectOneErrorLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^molecule-agent: error: /);
  expect(lines[0]).toMatch(pattern);
}

describe('molecule-agent help and usage', () => {
  it('with no command prints usage on stderr and exits 2', async () => {
    const run = await runCliProcess([], { env: env() });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: molecule-agent <command> [options]');
  });

  it('--help lists every command, the env variables and the exit codes, on stdout with exit 0', async () => {
    const run = await runCliProcess(['--help'], { env: env() });
    expect(run.code).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toContain(`  ${command} `);
    for (const variable of [
      'MOLECULE_PLATFORM_URL',
      'MOLECULE_WORKSPACE_ID',
      'MOLECULE_WORKSPACE_TOKEN',
      'MOLECULE_POLL_INTERVAL',
    ]) {
      expect(run.stdout).toContain(variable);
    }
    expect(run.stdout).toMatch(
      /Exit codes:\n {2}0 +ok\n {2}1 +failure.*\n {2}2 +usage.*\n {2}3 +the platform refused.*\n {2}130 +interrupted/,
    );
  });

  it.each(COMMANDS)('%s --help shows its usage and the exit codes', async (command) => {
    const run = await runCliProcess([...command.split(' '), '--help'], { env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: molecule-agent ${command}`);
    expect(run.stdout).toContain('Exit codes:');
    expect(run.stderr).toBe('');
  });

  it('help <command> is the same as <command> --help', async () => {
    const viaHelp = await runCliProcess(['help', 'token', 'recover'], { env: env() });
    const viaFlag = await runCliProcess(['token', 'recover', '--help'], { env: env() });
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaHelp.stdout).toContain('--admin-token TOKEN');
    expect(viaHelp.stdout).toContain('MOLECULE_ADMIN_TOKEN');
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    const run = await runCliProcess(['--version'], { env: env() });
    expect(run).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('an unknown command is a usage error in one line', async () => {
    const run = await runCliProcess(['frobnicate'], { env: env() });
    expect(run.code).toBe(2);
    expectOneErrorLine(run.stderr, /unknown command 'frobnicate'/);
  });

  it('an unknown option is a usage error in one line', async () => {
    const run = await runCliProcess(['token', '--nope'], { env: env() });
    expect(run.code).toBe(2);
    expectOneErrorLine(run.stderr, /unknown option --nope/);
  });

  it('an option of another command is refused', async () => {
    const run = await runCliProcess(['token', '--handler', 'x.js'], {
      env: env({ MOLECULE_WORKSPACE_ID: WS }),
    });
    expect(run.code).toBe(2);
    expectOneErrorLine(run.stderr, /unknown option --handler/);
  });

  it('an option without its value is a usage error', async () => {
    const run = await runCliProcess(['token', '--workspace-id'], { env: env() });
    expect(run.code).toBe(2);
    expectOneErrorLine(run.stderr, /option --workspace-id needs a value/);
  });

  it('a missing required setting names both the option and its variable', async () => {
    const run = await runCliProcess(['token'], { env: env() });
    expect(run.code).toBe(2);
    expectOneErrorLine(run.stderr, /missing --workspace-id \(or MOLECULE_WORKSPACE_ID\)/);
  });

  it('a missing positional argument is a usage error', async () => {
    const run = await runCliProcess(['verify', '/tmp'], { env: env() });
    expect(run.code).toBe(2);
    expectOneErrorLine(run.stderr, /verify: missing <sha256>/);
  });

  it('an extra positional argument is a usage error', async () => {
    const run = await runCliProcess(['token', 'extra'], { env: env({ MOLECULE_WORKSPACE_ID: WS }) });
    expect(run.code).toBe(2);
    expectOneErrorLine(run.stderr, /unexpected argument 'extra'/);
  });

  it('never prints a stack trace without --verbose, and does with it', async () => {
    const quiet = await runCliProcess(['token', '--workspace-id', '../escape'], { env: env() });
    expect(quiet.code).toBe(2);
    expectOneErrorLine(quiet.stderr, /cannot be used as a directory name/);
    const loud = await runCliProcess(['token', '--workspace-id', '../escape', '--verbose'], { env: env() });
    expect(loud.code).toBe(2);
    expect(loud.stderr).toMatch(/^molecule-agent: error: .*\n/);
    expect(loud.stderr).toMatch(/\n\s+at /);
    expect(loud.stderr).toContain('"code":"config_error"');
  });

  it('--json on an error also prints a JSON error object on stdout', async () => {
    const run = await runCliProcess(['token', '--json'], { env: env() });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      error: {
        code: 'config_error',
        message: 'missing --workspace-id (or MOLECULE_WORKSPACE_ID)',
        exitCode: 2,
      },
    });
  });

  it('a bad boolean variable is a clear configuration error', async () => {
    const run = await runCliProcess(['token'], {
      env: env({ MOLECULE_WORKSPACE_ID: WS, MOLECULE_JSON: 'maybe' }),
    });
    expect(run.code).toBe(2);
    expectOneErrorLine(run.stderr, /MOLECULE_JSON must be true or false \(or 1\/0\), got "maybe"/);
  });

  it('a bad MOLECULE_POLL_INTERVAL does not break commands that do not poll (Python parsed it eagerly)', async () => {
    const run = await runCliProcess(['token'], {
      env: env({ MOLECULE_WORKSPACE_ID: WS, MOLECULE_POLL_INTERVAL: 'abc' }),
    });
    expect(run.code).toBe(0);
  });
});

describe('molecule-agent token', () => {
  it('reads settings from MOLECULE_* variables and reports no token without creating anything', async () => {
    const run = await runCliProcess(['token'], { env: env({ MOLECULE_WORKSPACE_ID: WS }) });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`workspace  ${WS}`);
    expect(run.stdout).toContain('token      none');
    expect(run.stdout).toContain(join(home.path, '.molecule', WS, '.auth_token'));
    expect(await readdir(home.path)).toEqual([]);
  });

  it('an option wins over its environment variable', async () => {
    const run = await runCliProcess(['token', '--workspace-id', 'from-flag', '--json'], {
      env: env({ MOLECULE_WORKSPACE_ID: 'from-env' }),
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).workspaceId).toBe('from-flag');
  });

  it('reports a saved token without printing it; --show prints exactly the token', async () => {
    const dir = join(home.path, 'tokens');
    await createFileTokenStore({ directory: dir }).save(WS, 'file-secret-token');
    const status = await runCliProcess(['token', '--workspace-id', WS, '--token-dir', dir], { env: env() });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('present, from the token file (use --show to print it)');
    expect(status.stdout + status.stderr).not.toContain('file-secret-token');

    const json = await runCliProcess(['token', '--json'], {
      env: env({ MOLECULE_WORKSPACE_ID: WS, MOLECULE_TOKEN_DIR: dir }),
    });
    expect(JSON.parse(json.stdout)).toEqual({
      workspaceId: WS,
      present: true,
      source: 'file',
      file: join(dir, WS, '.auth_token'),
      fileHasToken: true,
    });
    expect(json.stdout).not.toContain('file-secret-token');

    const shown = await runCliProcess(['token', '--show'], {
      env: env({ MOLECULE_WORKSPACE_ID: WS, MOLECULE_TOKEN_DIR: dir }),
    });
    expect(shown).toMatchObject({ code: 0, stdout: 'file-secret-token\n', stderr: '' });
    const shownJson = await runCliProcess(['token', '--show', '--json'], {
      env: env({ MOLECULE_WORKSPACE_ID: WS, MOLECULE_TOKEN_DIR: dir }),
    });
    expect(JSON.parse(shownJson.stdout).token).toBe('file-secret-token');
  });

  it('MOLECULE_WORKSPACE_TOKEN is reported as the source, not printed, and not written to disk', async () => {
    const run = await runCliProcess(['token', '--json'], {
      env: env({ MOLECULE_WORKSPACE_ID: WS, MOLECULE_WORKSPACE_TOKEN: 'env-secret-token' }),
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ present: true, source: 'env', fileHasToken: false });
    expect(run.stdout + run.stderr).not.toContain('env-secret-token');
    expect(await readdir(home.path)).toEqual([]);
  });

  it('--token is reported as the option source', async () => {
    const run = await runCliProcess(['token', '--token', 'flag-secret', '--json'], {
      env: env({ MOLECULE_WORKSPACE_ID: WS, MOLECULE_WORKSPACE_TOKEN: 'env-secret' }),
    });
    expect(JSON.parse(run.stdout)).toMatchObject({ present: true, source: 'option' });
    expect(run.stdout).not.toContain('secret');
  });

  it('--show without any token fails with exit 1 and says how to get one', async () => {
    const run = await runCliProcess(['token', '--show'], { env: env({ MOLECULE_WORKSPACE_ID: WS }) });
    expect(run.code).toBe(1);
    expectOneErrorLine(run.stderr, /no token for workspace .* token recover/);
    expect(run.stdout).toBe('');
  });
});
