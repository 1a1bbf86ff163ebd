import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createFileTokenStore } from '../../src/stores/index.js';
import { startSim } from '../sim.js';
import { runCliProcess } from './cli-process.js';
import { useCliSandbox } from './cli-sandbox.js';

// Real child processes on a shared two-core machine: generous limits (safety nets, not assertions).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const sandbox = useCliSandbox('molecule-cli-home-');

/** Only environment variables, as a user with `export MOLECULE_...` would run it. */
function envFor(workspaceId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: sandbox.home.path,
    MOLECULE_PLATFORM_URL: sandbox.platform.url,
    MOLECULE_WORKSPACE_ID: workspaceId,
    ...extra,
  };
}

function tokenPath(workspaceId: string): string {
  return join(sandbox.home.path, '.molecule', workspaceId, '.auth_token');
}

function requestsFor(workspaceId: string, path: string) {
  return sandbox.platform.sim.requests.filter(
    (r) => r.path === path && (r.json as { id?: string } | undefined)?.id === workspaceId,
  );
}

describe('molecule-agent register', () => {
  it('configured only through MOLECULE_* variables, saves the issued token 0600 and never prints it', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    const run = await runCliProcess(['register'], { env: envFor(id) });
    // The one notice a first registration from this machine gets (a mistyped id shows up here).
    expect(run.stderr).toMatch(
      new RegExp(
        `^\\[molecule\\] warn: first registration of workspace ${id} from here: .*check the id.*\n$`,
      ),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`registered ${id}: the platform issued a token, saved to ${tokenPath(id)}\n`);
    const token = await readFile(tokenPath(id), 'utf8');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(tokenPath(id))).mode & 0o777).toBe(0o600);
    expect((await stat(join(sandbox.home.path, '.molecule', id))).mode & 0o777).toBe(0o700);
    expect(run.stdout + run.stderr).not.toContain(token);
  });

  it('a second register sends the cached token as bearer and reports the file as the source', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    expect((await runCliProcess(['register'], { env: envFor(id) })).code).toBe(0);
    const again = await runCliProcess(['register', '--json'], { env: envFor(id) });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      ok: true,
      workspaceId: id,
      status: 'registered',
      issued: false,
      tokenSource: 'file',
      tokenFile: tokenPath(id),
    });
    const registers = requestsFor(id, '/registry/register');
    expect(registers.map((r) => r.headers.authorization)).toEqual([undefined, 'Bearer [redacted]']);
  });

  it('publishes --agent-name in the agent card', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    const run = await runCliProcess(['register', '--agent-name', 'Research bot'], { env: envFor(id) });
    expect(run.code).toBe(0);
    expect(requestsFor(id, '/registry/register')[0]?.json).toMatchObject({
      agent_card: { name: 'Research bot' },
    });
  });

  it('defaults the agent card name to remote-<first 8 chars of the id>', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    await runCliProcess(['register'], { env: envFor(id) });
    expect(requestsFor(id, '/registry/register')[0]?.json).toMatchObject({
      agent_card: { name: `remote-${id.slice(0, 8)}` },
    });
  });

  it('a pre-minted token in MOLECULE_WORKSPACE_TOKEN registers and is never written to disk', async () => {
    const { id, token } = await sandbox.platform.sim.admin.createWorkspace({ external: true });
    const run = await runCliProcess(['register'], {
      env: envFor(id, { MOLECULE_WORKSPACE_TOKEN: token as string }),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`registered ${id} with the token from MOLECULE_WORKSPACE_TOKEN\n`);
    expect(await readdir(sandbox.home.path)).toEqual([]);
    expect(requestsFor(id, '/registry/register')[0]?.headers.authorization).toBe('Bearer [redacted]');
  });

  it('without any token for a workspace that has one, exits 3 and says how to recover', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({ external: true });
    const run = await runCliProcess(['register'], { env: envFor(id) });
    expect(run.code).toBe(3);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^molecule-agent: error: workspace .* has no token here/);
    expect(lines[0]).toContain('MOLECULE_WORKSPACE_TOKEN');
    expect(lines[0]).toContain("'molecule-agent token recover'");
    expect(lines[0]).toContain(`/workspaces/${id}/tokens`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a revoked token is refused with exit 3', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({ external: true });
    const run = await runCliProcess(['register'], {
      env: envFor(id, { MOLECULE_WORKSPACE_TOKEN: 'not-a-real-token-for-this-workspace' }),
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^molecule-agent: error: POST \/registry\/register failed with 401/);
  });

  it('a platform that refuses the poll-only placeholder URL gives exit 1 and names the real ways out', async () => {
    const strict = await startSim({ allowPlaceholderUrl: false });
    try {
      const { id } = await strict.sim.admin.createWorkspace({});
      const run = await runCliProcess(['register'], {
        env: { ...envFor(id), MOLECULE_PLATFORM_URL: strict.url },
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/failed with 400.*poll-only placeholder/);
      expect(run.stderr).toContain(
        "serve pushes: 'molecule-agent connect --listen [HOST:]PORT --public-url URL'",
      );
      expect(run.stderr).toContain('a platform that accepts poll-only agents');
      expect(run.stderr).toContain('molecule-platform-sim --allow-placeholder-url');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    } finally {
      await strict.close();
    }
  });

  it('an unreachable platform is a one-line failure with exit 1', async () => {
    const closed = await startSim();
    const url = closed.url;
    await closed.close();
    const id = '0b9f6a3e-5c1d-4e7a-9b2f-3c4d5e6f7a8b';
    const run = await runCliProcess(['register'], { env: { ...envFor(id), MOLECULE_PLATFORM_URL: url } });
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    // The host is named: the first thing to check is whether it is the right one.
    expect(run.stderr).toMatch(
      new RegExp(
        `^molecule-agent: error: POST /registry/register to ${new URL(url).host} failed .*ECONNREFUSED`,
      ),
    );
  });

  it('a workspace id that is not a UUID is a usage error naming its source, before any request', async () => {
    const before = sandbox.platform.sim.requests.length;
    const run = await runCliProcess(['register'], { env: envFor('ws-x') });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^molecule-agent: error: MOLECULE_WORKSPACE_ID must be a workspace id, a UUID/,
    );
    expect(sandbox.platform.sim.requests.length).toBe(before);
  });

  it('a platform URL that is not http(s) is a usage error naming its source', async () => {
    const run = await runCliProcess(['register'], {
      env: envFor('ws-x', { MOLECULE_PLATFORM_URL: 'ftp://example' }),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'molecule-agent: error: MOLECULE_PLATFORM_URL must be an http(s) URL, got "ftp://example"\n',
    );
  });

  it('--platform-url wins over MOLECULE_PLATFORM_URL', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    const run = await runCliProcess(['register', '--platform-url', sandbox.platform.url], {
      env: envFor(id, { MOLECULE_PLATFORM_URL: 'http://127.0.0.1:1' }),
    });
    expect(run.code).toBe(0);
  });

  it('--token-dir puts the token file under that directory', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    const dir = join(sandbox.home.path, 'custom');
    const run = await runCliProcess(['register', '--token-dir', dir], { env: envFor(id) });
    expect(run.code).toBe(0);
    expect(await createFileTokenStore({ directory: dir }).load(id)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('molecule-agent token recover', () => {
  it('mints a token with the admin credential from MOLECULE_ADMIN_TOKEN, saves it, and register then works', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({ external: true });
    const recover = await runCliProcess(['token', 'recover'], {
      env: envFor(id, { MOLECULE_ADMIN_TOKEN: sandbox.platform.sim.adminToken }),
    });
    expect(recover.stderr).toBe('');
    expect(recover.code).toBe(0);
    expect(recover.stdout).toBe(`minted a new token for ${id} and saved it to ${tokenPath(id)}\n`);
    const token = await readFile(tokenPath(id), 'utf8');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(tokenPath(id))).mode & 0o777).toBe(0o600);
    expect(recover.stdout).not.toContain(sandbox.platform.sim.adminToken);

    const register = await runCliProcess(['register', '--json'], { env: envFor(id) });
    expect(register.code).toBe(0);
    expect(JSON.parse(register.stdout)).toMatchObject({ issued: false, tokenSource: 'file' });
  });

  it('--admin-token and --show print the new token, and --json carries it only with --show', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({ external: true });
    const shown = await runCliProcess(
      ['token', 'recover', '--admin-token', sandbox.platform.sim.adminToken, '--show'],
      {
        env: envFor(id),
      },
    );
    expect(shown.code).toBe(0);
    const token = await readFile(tokenPath(id), 'utf8');
    expect(shown.stdout.trimEnd().split('\n').at(-1)).toBe(token);

    const json = await runCliProcess(
      ['token', 'recover', '--admin-token', sandbox.platform.sim.adminToken, '--json'],
      {
        env: envFor(id),
      },
    );
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toEqual({ ok: true, workspaceId: id, tokenFile: tokenPath(id) });
  });

  it('a wrong admin credential exits 3 and leaves the token file alone', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({ external: true });
    const run = await runCliProcess(['token', 'recover'], {
      env: envFor(id, { MOLECULE_ADMIN_TOKEN: 'wrong-admin' }),
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^molecule-agent: error: POST \/workspaces\/.*\/tokens failed with 401/);
    expect(run.stderr).not.toContain('wrong-admin');
    expect(await readdir(sandbox.home.path)).toEqual([]);
  });

  it('without an admin credential it is a usage error naming MOLECULE_ADMIN_TOKEN', async () => {
    const run = await runCliProcess(['token', 'recover'], { env: envFor('ws-x') });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/missing --admin-token \(or MOLECULE_ADMIN_TOKEN\)/);
  });
});

describe('molecule-agent state and peers', () => {
  it('state prints the status, and --json parses; a paused workspace shows paused', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    await runCliProcess(['register'], { env: envFor(id) });
    const human = await runCliProcess(['state'], { env: envFor(id) });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('status     online');
    await sandbox.platform.sim.admin.pause(id);
    const json = await runCliProcess(['state', '--json'], { env: envFor(id) });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      workspaceId: id,
      status: 'paused',
      paused: true,
      deleted: false,
    });
  });

  it('state without a token is refused by the platform: exit 3', async () => {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    const run = await runCliProcess(['state'], { env: envFor(id) });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^molecule-agent: error: GET \/workspaces\/.*\/state failed with 401/);
  });

  it('peers lists a sibling as a table and as JSON', async () => {
    const { id: parent } = await sandbox.platform.sim.admin.createWorkspace({ name: 'Parent' });
    const { id } = await sandbox.platform.sim.admin.createWorkspace({ name: 'Me', parentId: parent });
    const { id: sibling } = await sandbox.platform.sim.admin.createWorkspace({
      name: 'Sibling',
      role: 'research',
      parentId: parent,
    });
    await runCliProcess(['register'], { env: envFor(id) });
    const table = await runCliProcess(['peers'], { env: envFor(id) });
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+ROLE\s+STATUS\s+URL$/);
    expect(table.stdout).toMatch(new RegExp(`${sibling}\\s+Sibling\\s+research`));
    const json = await runCliProcess(['peers', '--json', '--query', 'research'], { env: envFor(id) });
    const peers = JSON.parse(json.stdout) as { id: string; name: string }[];
    expect(peers.map((p) => p.id)).toEqual([sibling]);
  });
});
