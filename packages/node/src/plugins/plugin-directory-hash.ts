import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { computePluginManifestHash, type ManifestFile } from '@molecule-ai/agent-core/plugins';

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The Python SDK's `compute_plugin_sha256(plugin_dir)` for a folder on disk: every regular file
 * (a symlink to a file counts as that file, linked folders are not entered, dotfiles are included),
 * then the manifest hash of core's `computePluginManifestHash` (root `plugin.yaml` excluded).
 * Use it to pin `expectedSha256` from a checked-out plugin.
 */
export async function hashPluginDirectory(dir: string): Promise<string> {
  const files: ManifestFile[] = [];
  async function walk(rel: string): Promise<void> {
    for await (const entry of await opendir(rel === '' ? dir : join(dir, rel))) {
      const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const full = join(dir, relPath);
      if (entry.isDirectory()) await walk(relPath);
      else if (entry.isFile() || (entry.isSymbolicLink() && (await stat(full).catch(() => null))?.isFile())) {
        files.push({ path: relPath, sha256: await fileSha256(full) });
      }
    }
  }
  await walk('');
  return computePluginManifestHash(files);
}
