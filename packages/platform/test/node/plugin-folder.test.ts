import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPlatformSim } from '../../src/index.js';
import { folderPluginSource, readPluginFolder } from '../../src/node/index.js';

const root = mkdtempSync(join(tmpdir(), 'platform-sim-plugins-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const WS = '0a000000-0000-4000-8000-00000000000a';

function makePlugin(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'skills', 'empty'), { recursive: true });
  writeFileSync(join(dir, 'plugin.yaml'), `name: ${name}\n`);
  writeFileSync(join(dir, 'setup.sh'), '#!/bin/sh\n');
  chmodSync(join(dir, 'setup.sh'), 0o750);
  writeFileSync(join(dir, '.dotfile'), 'd');
  symlinkSync('plugin.yaml', join(dir, 'link.yaml'));
  return dir;
}

describe('plugins read from a folder', () => {
  it('readPluginFolder keeps modes, dotfiles and empty dirs, and dereferences file symlinks as 0755', async () => {
    const files = await readPluginFolder(makePlugin('good'));
    expect(Object.keys(files).sort()).toEqual([
      '.dotfile',
      'link.yaml',
      'plugin.yaml',
      'setup.sh',
      'skills/',
      'skills/empty/',
    ]);
    expect(files['setup.sh']).toMatchObject({ mode: 0o750 });
    expect(files['link.yaml']).toMatchObject({
      mode: 0o755,
      content: new TextEncoder().encode('name: good\n'),
    });
  });

  it('folderPluginSource serves local://<name> from <root>/<name>; GNU tar sees a regular file for the symlink', async () => {
    makePlugin('served');
    const sim = createPlatformSim({ seed: 1, pluginSource: folderPluginSource(root) });
    await sim.admin.createWorkspace({ id: WS });
    const token = await sim.admin.mintToken(WS);
    const res = await sim.fetch(
      new Request(`http://p.test/workspaces/${WS}/plugins/served/download`, {
        headers: { Authorization: `Bearer ${token}` },
      }),
    );
    expect(res.status).toBe(200);
    const file = join(root, 'served.tar.gz');
    writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
    const listing = execFileSync('tar', ['-tvzf', file], { encoding: 'utf8' });
    expect(listing).toMatch(/^-rwxr-xr-x \S+\s+13 .* link\.yaml$/m);
    expect(listing).toMatch(/^drwxr-xr-x .* skills\/empty$/m);
    expect(listing).not.toMatch(/^l/m);
  });

  it('a symlink to a directory or a dangling symlink makes the fetch fail with 502', async () => {
    const dir = makePlugin('badlink');
    symlinkSync('skills', join(dir, 'dirlink'));
    const dangling = makePlugin('dangling');
    symlinkSync('nowhere', join(dangling, 'gone'));
    const sim = createPlatformSim({ seed: 1, pluginSource: folderPluginSource(root) });
    await sim.admin.createWorkspace({ id: WS });
    const token = await sim.admin.mintToken(WS);
    for (const name of ['badlink', 'dangling']) {
      const res = await sim.fetch(
        new Request(`http://p.test/workspaces/${WS}/plugins/${name}/download`, {
          headers: { Authorization: `Bearer ${token}` },
        }),
      );
      expect(res.status).toBe(502);
      expect(await res.json()).toEqual({
        error: 'failed to fetch plugin from local',
        source: `local://${name}`,
      });
    }
  });
});
