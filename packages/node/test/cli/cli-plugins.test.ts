import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCliProcess } from './cli-process.js';
import { useCliSandbox } from './cli-sandbox.js';

// Real child processes on a shared two-core machine: generous limits (safety nets, not assertions).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/** The Python SDK's documented vector: rules.md + setup.sh (plugin.yaml excluded). */
const PYTHON_VECTOR = '38bd93611b8f1f2b3abb8cba218adffa0a078d8a65c76ea4cd087e150babf10d';
const EMPTY_HASH = '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945';

const sandbox = useCliSandbox('molecule-cli-plugins-');

async function pluginDir(files: Record<string, string>): Promise<string> {
  const dir = join(sandbox.home.path, 'plugin');
  await mkdir(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

const run = (args: string[], env: Record<string, string> = {}) =>
  runCliProcess(args, { cwd: sandbox.home.path, env: { HOME: sandbox.home.path, ...env } });

describe('molecule-agent hash', () => {
  it('matches the Python SDK vector and ignores the root plugin.yaml', async () => {
    const dir = await pluginDir({
      'rules.md': '# Rules\n',
      'setup.sh': '#!/bin/bash\n',
      'plugin.yaml': 'name: x\n',
    });
    const result = await run(['hash', dir]);
    expect(result).toMatchObject({ code: 0, stdout: `${PYTHON_VECTOR}\n`, stderr: '' });
  });

  it('hashes an empty directory to sha256("[]") and follows a symlinked file', async () => {
    const empty = join(sandbox.home.path, 'empty');
    await mkdir(empty);
    expect((await run(['hash', empty])).stdout).toBe(`${EMPTY_HASH}\n`);
    const dir = await pluginDir({ 'rules.md': '# Rules\n', 'target.sh': '#!/bin/bash\n' });
    await symlink(join(dir, 'target.sh'), join(dir, 'setup.sh'));
    const withLink = await run(['hash', dir]);
    expect(withLink.code).toBe(0);
    expect(withLink.stdout).not.toBe(`${PYTHON_VECTOR}\n`); // target.sh is a file of its own
  });

  it('--json gives the directory and the hash; a relative path is resolved from the cwd', async () => {
    await pluginDir({ 'rules.md': '# Rules\n', 'setup.sh': '#!/bin/bash\n' });
    const result = await run(['hash', './plugin', '--json']);
    expect(JSON.parse(result.stdout)).toEqual({
      directory: join(sandbox.home.path, 'plugin'),
      sha256: PYTHON_VECTOR,
    });
  });

  it('a missing path or a file is a usage error', async () => {
    const missing = await run(['hash', './nope']);
    expect(missing).toMatchObject({ code: 2, stderr: 'molecule-agent: error: ./nope does not exist\n' });
    await writeFile(join(sandbox.home.path, 'file.txt'), 'x');
    const file = await run(['hash', './file.txt']);
    expect(file).toMatchObject({ code: 2, stderr: 'molecule-agent: error: ./file.txt is not a directory\n' });
  });
});

describe('molecule-agent verify-sha256 (the Python command name)', () => {
  it('prints the hash like hash; a file or a missing path is an error naming it', async () => {
    const dir = await pluginDir({
      'rules.md': '# Rules\n',
      'setup.sh': '#!/bin/bash\n',
      'plugin.yaml': 'name: x\n',
    });
    expect(await run(['verify-sha256', dir])).toMatchObject({
      code: 0,
      stdout: `${PYTHON_VECTOR}\n`,
      stderr: '',
    });
    await writeFile(join(sandbox.home.path, 'file.txt'), 'x');
    expect(await run(['verify-sha256', './file.txt'])).toMatchObject({
      code: 2,
      stderr: 'molecule-agent: error: ./file.txt is not a directory\n',
    });
  });
});

describe('molecule-agent verify', () => {
  it('exits 0 on a match (upper-case hex accepted)', async () => {
    const dir = await pluginDir({ 'rules.md': '# Rules\n', 'setup.sh': '#!/bin/bash\n' });
    expect(await run(['verify', dir, PYTHON_VECTOR])).toMatchObject({
      code: 0,
      stdout: `ok: ${dir} matches ${PYTHON_VECTOR}\n`,
    });
    expect((await run(['verify', dir, PYTHON_VECTOR.toUpperCase()])).code).toBe(0);
  });

  it('exits 1 on a mismatch and names both hashes (Python only computed)', async () => {
    const dir = await pluginDir({ 'rules.md': '# Rules, tampered\n', 'setup.sh': '#!/bin/bash\n' });
    const result = await run(['verify', dir, PYTHON_VECTOR]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^molecule-agent: error: .* does not match: expected ${PYTHON_VECTOR}, computed [0-9a-f]{64}\\n$`,
      ),
    );
    const json = await run(['verify', dir, PYTHON_VECTOR, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, expected: PYTHON_VECTOR });
  });

  it('an expected value that is not 64 hex characters is a usage error', async () => {
    const dir = await pluginDir({ 'a.txt': 'a' });
    for (const bad of ['abc', 'g'.repeat(64), `0x${'a'.repeat(62)}`]) {
      const result = await run(['verify', dir, bad]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/the expected sha256 must be a 64-character lowercase hex string/);
    }
  });
});

describe('molecule-agent install-plugin', () => {
  async function registeredWorkspace(): Promise<{ id: string; env: Record<string, string> }> {
    const { id } = await sandbox.platform.sim.admin.createWorkspace({});
    const env = { MOLECULE_PLATFORM_URL: sandbox.platform.url, MOLECULE_WORKSPACE_ID: id };
    expect((await run(['register'], env)).code).toBe(0);
    return { id, env };
  }

  it('installs into ~/.molecule/<id>/plugins/<name>, runs setup.sh without the token, prints plain progress lines', async () => {
    await sandbox.platform.sim.admin.addPlugin('demo-plugin', {
      'plugin.yaml': 'name: demo-plugin\n',
      'rules.md': '# Rules\n',
      // The variable the agent was given must not reach setup.sh.
      'setup.sh': '#!/bin/bash\necho "token=$' + '{MOLECULE_WORKSPACE_TOKEN:-absent}"\n',
    });
    const { id, env } = await registeredWorkspace();
    const result = await run(['install-plugin', 'demo-plugin'], {
      ...env,
      MOLECULE_WORKSPACE_TOKEN: 'x'.repeat(43),
    });
    // The supplied token is not this workspace's; use the file token for the install itself.
    expect(result.code).toBe(3);

    const ok = await run(['install-plugin', 'demo-plugin'], env);
    expect(ok.code).toBe(0);
    const target = join(sandbox.home.path, '.molecule', id, 'plugins', 'demo-plugin');
    expect((await readdir(target)).sort()).toEqual(['plugin.yaml', 'rules.md', 'setup.sh']);
    expect(await readFile(join(target, 'rules.md'), 'utf8')).toBe('# Rules\n');
    expect(ok.stdout).toContain(`installed demo-plugin into ${target} (3 files,`);
    expect(ok.stdout).toContain('setup.sh: ok');
    expect(ok.stderr).toContain('setup.sh stdout: token=absent');
    expect(ok.stderr).toMatch(/^downloading/m);
    expect(ok.stderr).not.toMatch(/\r|\x1b\[/);
  });

  it('a --sha256 pin that matches is reported; --json parses', async () => {
    await sandbox.platform.sim.admin.addPlugin('pinned', {
      'rules.md': '# Rules\n',
      'setup.sh': '#!/bin/bash\n',
    });
    const { env } = await registeredWorkspace();
    const result = await run(
      ['install-plugin', 'pinned', '--sha256', PYTHON_VECTOR, '--json', '--skip-setup'],
      env,
    );
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed).toMatchObject({
      ok: true,
      name: 'pinned',
      manifestSha256: PYTHON_VECTOR,
      verifiedWith: 'expectedSha256',
      setup: null,
    });
  });

  it('a --sha256 pin that does not match installs nothing and exits 1', async () => {
    await sandbox.platform.sim.admin.addPlugin('tampered', {
      'rules.md': '# Rules, tampered\n',
      'setup.sh': '#!/bin/bash\n',
    });
    const { id, env } = await registeredWorkspace();
    const result = await run(['install-plugin', 'tampered', '--sha256', PYTHON_VECTOR], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/molecule-agent: error: .*(sha256|hash)/i);
    const plugins = await readdir(join(sandbox.home.path, '.molecule', id, 'plugins')).catch(() => []);
    expect(plugins.filter((name) => !name.startsWith('.'))).toEqual([]);
  });

  it('an unknown plugin exits 1 with the platform answer', async () => {
    const { env } = await registeredWorkspace();
    const result = await run(['install-plugin', 'no-such-plugin'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^molecule-agent: error: GET .*no-such-plugin\/download failed with 404/m);
  });

  it('a failing setup.sh exits 1 and leaves the plugin installed', async () => {
    await sandbox.platform.sim.admin.addPlugin('bad-setup', {
      'setup.sh': '#!/bin/bash\necho broken >&2\nexit 3\n',
    });
    const { id, env } = await registeredWorkspace();
    const result = await run(['install-plugin', 'bad-setup'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('setup.sh stderr: broken');
    expect(result.stderr).toContain(
      'molecule-agent: error: setup.sh of bad-setup failed (exit 3); the plugin stays installed',
    );
    expect(await readdir(join(sandbox.home.path, '.molecule', id, 'plugins', 'bad-setup'))).toEqual([
      'setup.sh',
    ]);
  });

  it('setup.sh gets the proxy variables by default, --setup-env / MOLECULE_SETUP_ENV entries, never a token variable', async () => {
    await sandbox.platform.sim.admin.addPlugin('env-plugin', {
      'setup.sh':
        '#!/bin/bash\nfor n in HTTPS_PROXY no_proxy PIP_INDEX_URL MODE EXTRA SECRET_THING; do echo "$n=$' +
        '{!n:-unset}"; done\n',
    });
    const { env } = await registeredWorkspace();
    const result = await run(
      ['install-plugin', 'env-plugin', '--setup-env', 'PIP_INDEX_URL', '--setup-env', 'MODE=fast'],
      {
        ...env,
        HTTPS_PROXY: 'http://proxy.corp:3128',
        no_proxy: 'localhost',
        PIP_INDEX_URL: 'https://pypi.corp/simple',
        SECRET_THING: 'not asked for',
        MOLECULE_SETUP_ENV: 'EXTRA=from-env',
      },
    );
    expect(result.code).toBe(0);
    // The flags win over the variable (like every option); the variable alone is honoured too.
    for (const line of [
      'HTTPS_PROXY=http://proxy.corp:3128',
      'no_proxy=localhost',
      'PIP_INDEX_URL=https://pypi.corp/simple',
      'MODE=fast',
      'EXTRA=unset',
      'SECRET_THING=unset',
    ]) {
      expect(result.stderr).toContain(`setup.sh stdout: ${line}`);
    }
    const fromVariable = await run(['install-plugin', 'env-plugin'], {
      ...env,
      MOLECULE_SETUP_ENV: 'EXTRA=from-env',
    });
    expect(fromVariable.stderr).toContain('setup.sh stdout: EXTRA=from-env');

    const refused = await run(['install-plugin', 'env-plugin', '--setup-env', 'MOLECULE_ADMIN_TOKEN'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('MOLECULE_ADMIN_TOKEN holds a Molecule token');
  });

  it('on a terminal it draws a progress bar in place', async () => {
    await sandbox.platform.sim.admin.addPlugin('tty-plugin', { 'rules.md': '# Rules\n'.repeat(1000) });
    const { env } = await registeredWorkspace();
    // `script` gives the CLI a real pseudo-terminal.
    const command = `${process.execPath} ${join(import.meta.dirname, '../../dist/cli/main.js')} install-plugin tty-plugin --skip-setup`;
    const { spawn } = await import('node:child_process');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: sandbox.home.path,
      env: { PATH: process.env.PATH ?? '', HOME: sandbox.home.path, TERM: 'xterm', ...env },
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(output).toContain('\r\x1b[2K');
    expect(output).toContain('installed tty-plugin');
  });
});
