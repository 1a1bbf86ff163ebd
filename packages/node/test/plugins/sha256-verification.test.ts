// Port of the Python SDK's tests/test_sha256_verification.py (11 cases) with real folders and the
// real file-system sink. Fixed behaviour is named: a mismatch is a typed IntegrityError (Python
// only had `False`/ValueError), hex case is strict, and a failed check leaves the previous version.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ConfigError, IntegrityError } from '@molecule-ai/agent-core';
import {
  EMPTY_PLUGIN_MANIFEST_HASH,
  installPluginArchive,
  verifyPluginManifestHash,
} from '@molecule-ai/agent-core/plugins';
import { buildTestTar } from '@molecule-ai/agent-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsPluginSink } from '../../src/plugins/fs-plugin-sink.js';
import { hashPluginDirectory } from '../../src/plugins/plugin-directory-hash.js';
import { createProcessRunner } from '../../src/plugins/process-runner.js';
import { bytesStream, listDir, makeTempDir, readTree, type Tree, writeTree } from './helpers.js';

let root: { dir: string; remove: () => void };
beforeEach(() => {
  root = makeTempDir('sha-');
});
afterEach(() => root.remove());

/** Python's own compute_plugin_sha256 algorithm run on the folder (rglob, is_file, json.dumps). */
function pythonHash(dir: string): string {
  const script = `
import hashlib, json, pathlib, sys
d = pathlib.Path(sys.argv[1])
pairs = []
for p in sorted(d.rglob("*")):
    if p.is_file():
        rel = p.relative_to(d).as_posix()
        if rel == "plugin.yaml":
            continue
        pairs.append([rel, hashlib.sha256(p.read_bytes()).hexdigest()])
pairs.sort(key=lambda x: x[0])
print(hashlib.sha256(json.dumps(pairs, sort_keys=True).encode()).hexdigest())
`;
  return execFileSync('python3', ['-c', script, dir]).toString().trim();
}

function folder(name: string, tree: Tree): string {
  const dir = join(root.dir, name);
  writeTree(dir, tree);
  return dir;
}

/** Installs a plugin whose archive is `tree` (+ plugin.yaml with `sha256` when given). */
async function installTree(
  tree: Record<string, string>,
  options: { yamlSha?: string; expectedSha256?: string; marker?: string } = {},
) {
  const entries = Object.entries(tree).map(([name, content]) => ({ name, content }));
  if (options.yamlSha !== undefined)
    entries.push({ name: 'plugin.yaml', content: `name: demo\nsha256: ${options.yamlSha}\n` });
  const pluginsDir = join(root.dir, 'plugins');
  return installPluginArchive(bytesStream(gzipSync(buildTestTar(entries))), {
    name: 'demo',
    sink: createFsPluginSink({ pluginsDir }),
    runner: createProcessRunner(),
    hostEnv: { PATH: process.env.PATH },
    expectedSha256: options.expectedSha256,
  });
}

const files = {
  'rules.md': '# Rules\n',
  'setup.sh': `#!/bin/bash\necho ran > "${'$'}PLUGIN_DIR/../setup-ran"\n`,
};

describe('sha256 verification (ported from test_sha256_verification.py)', () => {
  it('valid_sha256_returns_true: a correct sha256 in plugin.yaml installs and runs setup.sh', async () => {
    const dir = folder('src', files);
    const hash = await hashPluginDirectory(dir);
    const result = await installTree(files, { yamlSha: hash });
    expect(result).toMatchObject({ verifiedWith: 'plugin.yaml', manifestSha256: hash, setup: { ok: true } });
    expect(listDir(join(root.dir, 'plugins'))).toContain('setup-ran');
  });

  it('tampered_file raises a typed IntegrityError with expected/actual (Python only returned False)', async () => {
    const hash = await hashPluginDirectory(folder('src', files));
    const error = await installTree({ ...files, 'rules.md': '# Tampered\n' }, { yamlSha: hash }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ expected: hash });
    expect((error as IntegrityError).actual).not.toBe(hash);
  });

  it.each([
    ['short', 'abc'],
    ['non-hex', 'z'.repeat(64)],
    ['empty', ''],
    ['int', 42],
  ])('invalid_expected_sha256 (%s) raises ConfigError before any I/O', async (_label, value) => {
    await expect(verifyPluginManifestHash([], value as string)).rejects.toBeInstanceOf(ConfigError);
    await expect(installTree(files, { expectedSha256: value as string })).rejects.toBeInstanceOf(ConfigError);
    expect(listDir(join(root.dir, 'plugins'))).toEqual([]);
  });

  it('empty_plugin_dir_sha256: only plugin.yaml hashes to sha256("[]"); zeros do not match', async () => {
    const dir = folder('empty', { 'plugin.yaml': 'name: x\n' });
    expect(await hashPluginDirectory(dir)).toBe(EMPTY_PLUGIN_MANIFEST_HASH);
    expect(await hashPluginDirectory(dir)).not.toBe('0'.repeat(64));
  });

  it('verify_plugin_sha256_excludes_plugin_yaml_from_manifest', async () => {
    const dir = folder('src', { ...files, 'plugin.yaml': 'name: x\n' });
    const withoutYaml = await hashPluginDirectory(folder('bare', files));
    expect(await hashPluginDirectory(dir)).toBe(withoutYaml);
    const nested = folder('nested', { ...files, 'sub/plugin.yaml': 'nested\n' });
    expect(await hashPluginDirectory(nested)).not.toBe(withoutYaml);
  });

  it('uppercase sha256 is REFUSED (Python let it through its format check and then returned False)', async () => {
    const hash = await hashPluginDirectory(folder('src', files));
    await expect(installTree(files, { expectedSha256: hash.toUpperCase() })).rejects.toBeInstanceOf(
      ConfigError,
    );
    await expect(installTree(files, { yamlSha: hash.toUpperCase() })).rejects.toBeInstanceOf(IntegrityError);
    const mixed = hash.slice(0, 32) + hash.slice(32).toUpperCase();
    await expect(installTree(files, { yamlSha: mixed })).rejects.toBeInstanceOf(IntegrityError);
  });

  it('non_hex_characters_rejected', async () => {
    await expect(installTree(files, { expectedSha256: 'g'.repeat(64) })).rejects.toBeInstanceOf(ConfigError);
  });

  it('deep_nested_file_paths_hashed_deterministically (and equal to Python on the same folder)', async () => {
    const tree = { 'a/b/c/deep.txt': 'deep', 'top.txt': 'top', 'a/mid.txt': 'mid', '.hidden/x': 'dot' };
    const one = folder('one', tree);
    expect(await hashPluginDirectory(one)).toBe(pythonHash(one));
    expect(await hashPluginDirectory(one)).toBe(await hashPluginDirectory(one));
  });

  it('file_order_independence: creation order is irrelevant; adding a file changes the hash', async () => {
    const forward = folder('fwd', { 'a.txt': 'a', 'b.txt': 'b', 'c/d.txt': 'd' });
    const backward = folder('bwd', { 'c/d.txt': 'd', 'b.txt': 'b', 'a.txt': 'a' });
    expect(await hashPluginDirectory(forward)).toBe(await hashPluginDirectory(backward));
    const more = folder('more', { 'a.txt': 'a', 'b.txt': 'b', 'c/d.txt': 'd', 'e.txt': 'e' });
    expect(await hashPluginDirectory(more)).not.toBe(await hashPluginDirectory(forward));
  });

  it('large_plugin_directory_hash: 50 files in 5 folders, equal to Python', async () => {
    const tree: Tree = {};
    for (let d = 0; d < 5; d++)
      for (let f = 0; f < 10; f++) tree[`dir${d}/file${f}.txt`] = `content ${d}/${f}\n`;
    const dir = folder('large', tree);
    expect(await hashPluginDirectory(dir)).toBe(pythonHash(dir));
  });

  it('install with sha256 mismatch: setup.sh NOT run, previous version kept (Python deleted it before verifying)', async () => {
    await installTree({ 'version.txt': 'v1' });
    const error = await installTree(files, { yamlSha: 'f'.repeat(64) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toMatch(/sha256 mismatch.*setup\.sh was NOT run/);
    expect(readTree(join(root.dir, 'plugins', 'demo'))).toEqual({ 'version.txt': 'v1' });
    expect(listDir(join(root.dir, 'plugins'))).not.toContain('setup-ran');
    expect(
      listDir(join(root.dir, 'plugins')).filter((n) => n.startsWith('.staging') || n.startsWith('.old')),
    ).toEqual([]);
  });
});
