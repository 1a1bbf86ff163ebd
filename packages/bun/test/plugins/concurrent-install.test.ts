import { afterEach, beforeEach, describe, expect, it } from 'bun:test';
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAgentClient } from '@molecule-ai/agent-core';
import { createMemoryTokenStore } from '@molecule-ai/agent-core/testing';
import { startBunChild } from '../helpers/bun-child.js';
import { type BunPlatform, startBunPlatform } from '../helpers/platform.js';
import { makeTempDirectory } from '../helpers/temp-directory.js';
import { listDirectory, readTree } from '../helpers/tree.js';

let platform: BunPlatform;
let temp: { path: string; remove(): Promise<void> };

beforeEach(async () => {
  platform = startBunPlatform({ allowPlaceholderUrl: true });
  temp = await makeTempDirectory('molecule-bun-concurrent-');
});
afterEach(async () => {
  await platform.close();
  await temp.remove();
});

describe('installs of one plugin from several Bun processes at once', () => {
  it('are serialised by the sink lock: each setup.sh runs start to end alone, and the tree is complete', async () => {
    const workspaceId = crypto.randomUUID();
    const tokens = createMemoryTokenStore();
    await createAgentClient({ workspaceId, platformUrl: platform.url, tokenStore: tokens }).register();
    const token = (await tokens.load(workspaceId))!;
    await platform.sim.admin.addPlugin('shared', {
      'a.txt': 'A',
      'nested/b.txt': 'B',
      'setup.sh': 'echo "start $$" >> "$LOG_FILE"; sleep 0.2; echo "end $$" >> "$LOG_FILE"\n',
    });
    const pluginsDir = join(realpathSync(temp.path), 'plugins');
    const log = join(temp.path, 'setup.log');
    const installers = Array.from({ length: 3 }, () =>
      startBunChild('plugin-installer', [platform.url, workspaceId, token, pluginsDir, 'shared', log]),
    );
    const results = await Promise.all(installers.map((child) => child.done));
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
      expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).toEqual({
        ok: true,
        path: join(pluginsDir, 'shared'),
      });
    }
    const entries = (await readFile(log, 'utf8')).trim().split('\n');
    expect(entries).toHaveLength(6);
    for (let i = 0; i < entries.length; i += 2) {
      const pid = entries[i]!.split(' ')[1];
      expect([entries[i], entries[i + 1]]).toEqual([`start ${pid}`, `end ${pid}`]);
    }
    expect(readTree(join(pluginsDir, 'shared'))).toEqual({
      'a.txt': 'A',
      nested: '<dir>',
      'nested/b.txt': 'B',
      'setup.sh': 'echo "start $$" >> "$LOG_FILE"; sleep 0.2; echo "end $$" >> "$LOG_FILE"\n',
    });
    expect(listDirectory(pluginsDir)).toEqual(['shared']);
  }, 30_000);
});
