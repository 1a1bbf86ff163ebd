/**
 * Serving plugins from a folder, the way the platform copies them from its plugins dir:
 * symlinks to files are dereferenced (regular file, mode 0777 &^ umask — 0755 here), a symlink
 * to a directory or a dangling one makes the fetch fail (502), `.git` is kept for `local://`.
 */
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PluginFiles } from '../plugins/tree.js';

/** Reads one plugin directory into {@link PluginFiles}. */
export async function readPluginFolder(dir: string): Promise<PluginFiles> {
  const files: PluginFiles = {};
  const walk = async (abs: string, rel: string): Promise<void> => {
    const names = (await readdir(abs)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const name of names) {
      const childAbs = join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      const info = await lstat(childAbs);
      if (info.isSymbolicLink()) {
        const target = await stat(childAbs); // throws when dangling
        if (!target.isFile()) throw new Error(`symlink to a non-file: ${childRel}`);
        files[childRel] = { content: new Uint8Array(await readFile(childAbs)), mode: 0o755 };
      } else if (info.isDirectory()) {
        files[`${childRel}/`] = { dir: true, mode: info.mode & 0o7777 };
        await walk(childAbs, childRel);
      } else if (info.isFile()) {
        files[childRel] = { content: new Uint8Array(await readFile(childAbs)), mode: info.mode & 0o7777 };
      }
      // sockets, FIFOs and devices are skipped
    }
  };
  await walk(dir, '');
  return files;
}

/**
 * A `pluginSource` for `createPlatformSim` that serves `<root>/<name>/` for `local://<name>`,
 * read at every download (edits show up immediately).
 */
export function folderPluginSource(root: string): (name: string) => Promise<PluginFiles | undefined> {
  return async (name) => {
    const dir = join(root, name);
    try {
      if (!(await stat(dir)).isDirectory()) return undefined;
    } catch {
      return undefined;
    }
    return readPluginFolder(dir);
  };
}
