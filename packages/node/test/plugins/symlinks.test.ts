// Relative symlinks inside a plugin (`CLAUDE.md -> AGENTS.md` is a common layout): installed by
// default with the file-system sink, hashed exactly as the Python SDK's compute_plugin_sha256 hashes
// the same tree on disk, and every write through a link still refused. The expected hashes were
// computed with CPython 3.11's pathlib over the same trees (rglob + is_file, following links).
import { mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnsafeArchiveError } from '@molecule-ai/agent-core';
import { installPluginArchive } from '@molecule-ai/agent-core/plugins';
import {
  buildTestTar,
  gzipBytes,
  LINKED_PLUGIN,
  LINKED_PLUGIN_PYTHON_SHA256,
  type TestTarEntry,
} from '@molecule-ai/agent-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsPluginSink } from '../../src/plugins/fs-plugin-sink.js';
import { hashPluginDirectory } from '../../src/plugins/plugin-directory-hash.js';
import { bytesStream, listDir, makeTempDir } from './helpers.js';

/** compute_plugin_sha256 of {meta.yaml, a.txt, plugin.yaml -> meta.yaml}: a linked root plugin.yaml is still excluded. */
const LINKED_ROOT_YAML_PYTHON_SHA256 = '92631742d3c276041c90101c380e0a6483cb966a57f6d7340b18f95ef0a49010';

let root: { dir: string; remove: () => void };
let pluginsDir: string;
beforeEach(() => {
  root = makeTempDir('symlinks-');
  pluginsDir = join(root.dir, 'plugins');
});
afterEach(() => root.remove());

async function install(entries: readonly TestTarEntry[], expectedSha256?: string) {
  return installPluginArchive(bytesStream(await gzipBytes(buildTestTar(entries))), {
    name: 'linked',
    sink: createFsPluginSink({ pluginsDir }),
    runSetup: false,
    expectedSha256,
  });
}

describe('relative symlinks in a plugin (the file-system sink)', () => {
  it('are installed by default; the install hash equals compute_plugin_sha256 of the tree', async () => {
    const result = await install(LINKED_PLUGIN, LINKED_PLUGIN_PYTHON_SHA256);
    expect(result).toMatchObject({ manifestSha256: LINKED_PLUGIN_PYTHON_SHA256, symlinks: 6 });
    const dir = join(pluginsDir, 'linked');
    expect(readlinkSync(join(dir, 'CLAUDE.md'))).toBe('AGENTS.md');
    expect(readFileSync(join(dir, 'chain.md'), 'utf8')).toBe('# Agents\n');
    expect(readFileSync(join(dir, 'docs-link', 'guide.md'), 'utf8')).toBe('guide\n');
    // The same hash from the directory on disk (what `molecule-agent hash` prints).
    expect(await hashPluginDirectory(dir)).toBe(LINKED_PLUGIN_PYTHON_SHA256);
  });

  it('verify_plugin_sha256 vectors on disk: a root plugin.yaml that is a link is still excluded', async () => {
    const dir = join(root.dir, 'tree');
    mkdirSync(dir);
    writeFileSync(join(dir, 'meta.yaml'), 'name: meta\n');
    writeFileSync(join(dir, 'a.txt'), 'a\n');
    symlinkSync('meta.yaml', join(dir, 'plugin.yaml'));
    expect(await hashPluginDirectory(dir)).toBe(LINKED_ROOT_YAML_PYTHON_SHA256);
  });

  it.each([
    ['an absolute link', [{ name: 'l', type: 'symlink', linkname: '/etc/passwd' }], 'symlink-escape', 'l'],
    ['an escaping link', [{ name: 'l', type: 'symlink', linkname: '../../outside' }], 'symlink-escape', 'l'],
    [
      'a chain that escapes',
      [
        { name: 'here', type: 'symlink', linkname: '.' },
        { name: 'l', type: 'symlink', linkname: 'here/../..' },
      ],
      'symlink-escape',
      'l',
    ],
    [
      'a write through a link',
      [
        { name: 'real/', type: 'directory' },
        { name: 'd', type: 'symlink', linkname: 'real' },
        { name: 'd/f.txt', content: 'through the link' },
      ],
      'path-through-symlink',
      'd/f.txt',
    ],
  ] as [string, TestTarEntry[], string, string][])(
    '%s refuses the whole archive, nothing written',
    async (_, entries, rule, entry) => {
      const error = await install(entries).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsafeArchiveError);
      expect(error).toMatchObject({ rule, entry });
      expect(listDir(pluginsDir)).toEqual([]);
    },
  );
});
