// setup.sh with real bash and real child processes: timeout kills the whole group, the
// environment holds no token, output is streamed by line, failures are reported but not undone.
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AbortError, type Logger } from '@molecule-ai/agent-core';
import {
  type InstallPluginArchiveOptions,
  installPluginArchive,
  SETUP_ENV_ALLOW_LIST,
} from '@molecule-ai/agent-core/plugins';
import { buildTestTar } from '@molecule-ai/agent-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsPluginSink } from '../../src/plugins/fs-plugin-sink.js';
import { createProcessRunner } from '../../src/plugins/process-runner.js';
import { bytesStream, makeTempDir, processGone, readTree, waitFor } from './helpers.js';

let root: { dir: string; remove: () => void };
let pluginsDir: string;
beforeEach(() => {
  root = makeTempDir('setup-sh-');
  pluginsDir = join(realpathSync(root.dir), 'plugins');
});
afterEach(() => root.remove());

function withSetup(script: string, mode = 0o644): ReadableStream<Uint8Array> {
  return bytesStream(
    gzipSync(
      buildTestTar([
        { name: 'setup.sh', content: script, mode },
        { name: 'README.md', content: 'readme' },
      ]),
    ),
  );
}

function options(extra: Partial<InstallPluginArchiveOptions> = {}): InstallPluginArchiveOptions {
  return {
    name: 'demo',
    sink: createFsPluginSink({ pluginsDir }),
    runner: createProcessRunner({ killGraceMs: 500 }),
    hostEnv: process.env,
    ...extra,
  };
}

describe('setup.sh', () => {
  it('runs with bash although not executable, in the plugin folder, and streams its output line by line', async () => {
    const lines: [string, string][] = [];
    const logged: unknown[] = [];
    const logger: Logger = {
      debug: (_message, fields) => logged.push(fields?.line),
      info() {},
      warn() {},
      error() {},
    };
    const result = await installPluginArchive(
      withSetup('echo "cwd=$(pwd -P)"\necho "to stderr" >&2\nprintf "no newline at end"'),
      options({ onOutput: (stream, line) => lines.push([stream, line]), logger }),
    );
    expect(lines).toEqual([
      ['stdout', `cwd=${realpathSync(join(pluginsDir, 'demo'))}`],
      ['stderr', 'to stderr'],
      ['stdout', 'no newline at end'],
    ]);
    expect(logged).toEqual(expect.arrayContaining(['to stderr', 'no newline at end']));
    expect(result.setup).toMatchObject({ ok: true, exitCode: 0, signal: null, timedOut: false });
    expect(result.setup?.durationMs).toBeGreaterThan(0);
  });

  it('gets an allow-listed environment: never MOLECULE_WORKSPACE_TOKEN or other agent secrets', async () => {
    const saved = { ...process.env };
    process.env.MOLECULE_WORKSPACE_TOKEN = 'tok-should-never-leak';
    process.env.OPENAI_API_KEY = 'sk-also-secret';
    process.env.LC_ALL = 'C.UTF-8';
    try {
      const dump = join(root.dir, 'env.txt');
      const result = await installPluginArchive(
        withSetup(`env > "${dump}"`),
        options({ env: { EXTRA_SETTING: 'on' } }),
      );
      expect(result.setup?.ok).toBe(true);
      const text = readFileSync(dump, 'utf8');
      expect(text).not.toContain('tok-should-never-leak');
      expect(text).not.toContain('sk-also-secret');
      const env = Object.fromEntries(
        text
          .trim()
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      expect(env).toMatchObject({
        PLUGIN_DIR: join(pluginsDir, 'demo'),
        PLUGIN_NAME: 'demo',
        EXTRA_SETTING: 'on',
        PATH: process.env.PATH,
        LC_ALL: 'C.UTF-8',
      });
      const bashOwn = ['PWD', 'SHLVL', '_', 'OLDPWD'];
      const allowed = new Set([
        ...SETUP_ENV_ALLOW_LIST,
        ...bashOwn,
        'PLUGIN_DIR',
        'PLUGIN_NAME',
        'EXTRA_SETTING',
      ]);
      expect(Object.keys(env).filter((key) => !allowed.has(key) && !key.startsWith('LC_'))).toEqual([]);
    } finally {
      process.env = saved;
    }
  });

  it('a hostile setup.sh that forks a sleeping grandchild is killed entirely at the timeout', async () => {
    const pidFile = join(root.dir, 'grandchild.pid');
    const script = `trap '' TERM\n(trap '' TERM; exec sleep 300) &\necho $! > "${pidFile}"\nsleep 300\n`;
    const result = await installPluginArchive(withSetup(script), options({ setupTimeoutMs: 400 }));
    expect(result.setup).toMatchObject({ ok: false, timedOut: true, exitCode: null });
    expect(result.setup?.signal).not.toBeNull();
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(grandchild).toBeGreaterThan(0);
    await waitFor(() => processGone(grandchild), `grandchild ${grandchild} to be gone`, 5000);
    expect(processGone(grandchild)).toBe(true);
    // The plugin stays installed (Python parity): a failing setup does not uninstall.
    expect(readTree(join(pluginsDir, 'demo'))).toMatchObject({ 'README.md': 'readme' });
  });

  it('reports a non-zero exit without uninstalling', async () => {
    const result = await installPluginArchive(withSetup('echo failing >&2\nexit 7'), options());
    expect(result.setup).toMatchObject({ ok: false, exitCode: 7, timedOut: false });
    expect(readTree(join(pluginsDir, 'demo'))['README.md']).toBe('readme');
  });

  it('is not run when runSetup is false', async () => {
    const marker = join(root.dir, 'ran');
    const result = await installPluginArchive(withSetup(`touch "${marker}"`), options({ runSetup: false }));
    expect(result.setup).toBeNull();
    expect(() => readFileSync(marker)).toThrow();
  });

  it('aborting during setup.sh kills its group and throws AbortError; the new version stays installed', async () => {
    const pidFile = join(root.dir, 'child.pid');
    const controller = new AbortController();
    const installing = installPluginArchive(
      withSetup(`(exec sleep 300) &\necho $! > "${pidFile}"\necho started\nsleep 300\n`),
      options({
        signal: controller.signal,
        onOutput: (_stream, line) => {
          if (line === 'started') controller.abort(new Error('shutting down'));
        },
      }),
    ).catch((e: unknown) => e);
    const error = await installing;
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toContain('stays installed');
    const child = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => processGone(child), 'the background child to be gone', 5000);
    expect(readTree(join(pluginsDir, 'demo'))['README.md']).toBe('readme');
  });
});
