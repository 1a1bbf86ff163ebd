// Attack (or accident): paths longer than the file system allows, from a workspace id, a token or
// plugins folder, a cursor file or an archive entry deep below a deep plugins folder. Before, each
// failed with a bare `Error: ENAMETOOLONG` from node:fs; now it is an SDK error naming the limit.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@molecule-ai/agent-core';
import { installPluginArchive } from '@molecule-ai/agent-core/plugins';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsPluginSink } from '../../src/plugins/fs-plugin-sink.js';
import { createFileCursorStore, createFileTokenStore } from '../../src/stores/index.js';
import { bytesStream, gnuTarGz } from '../plugins/helpers.js';
import { makeTempDir } from './security-helpers.js';

let temp: { dir: string; remove: () => void };
beforeEach(() => {
  temp = makeTempDir('security-paths-');
});
afterEach(() => temp.remove());

describe('over-long paths become SDK errors naming the limit', () => {
  it('a workspace id longer than a file name may be', async () => {
    const store = createFileTokenStore({ directory: temp.dir });
    const saving = store.save('w'.repeat(300), 'token');
    await expect(saving).rejects.toBeInstanceOf(ConfigError);
    await expect(saving).rejects.toThrow(/has 300 bytes, more than the 255 a file name may have/);
    await expect(store.load('w'.repeat(300))).rejects.toThrow(/255 a file name may have/);
  });

  it('a token folder deeper than a path may be', async () => {
    const deep = join(temp.dir, ...Array.from({ length: 500 }, () => 'abcdefghi'));
    await expect(createFileTokenStore({ directory: deep }).save('ws', 'token')).rejects.toThrow(
      /more than the 4095 a path may have/,
    );
  });

  it('a cursor file whose name is too long', async () => {
    const store = createFileCursorStore({ file: join(temp.dir, `${'c'.repeat(300)}.json`) });
    const saving = store.save('ws', { cursor: 'a', seen: [] });
    await expect(saving).rejects.toBeInstanceOf(ConfigError);
    await expect(saving).rejects.toThrow(/255 a file name may have/);
  });

  it('a plugins folder with a name too long', () => {
    expect(() => createFsPluginSink({ pluginsDir: join(temp.dir, 'p'.repeat(256)) })).toThrow(ConfigError);
  });

  it('an archive entry that is within the archive limits but too deep below a deep plugins folder', async () => {
    let pluginsDir = temp.dir;
    while (pluginsDir.length < 3200) pluginsDir = join(pluginsDir, 'd'.repeat(200));
    mkdirSync(pluginsDir, { recursive: true });
    const entry = `${Array.from({ length: 6 }, () => 'e'.repeat(200)).join('/')}/file.txt`;
    const archive = gnuTarGz({ [entry]: 'x' }, 'pax');
    const installing = installPluginArchive(bytesStream(archive), {
      name: 'demo',
      sink: createFsPluginSink({ pluginsDir }),
      runSetup: false,
    });
    await expect(installing).rejects.toBeInstanceOf(ConfigError);
    await expect(installing).rejects.toThrow(/is too long: .*4095 a path may have/);
  });
});
