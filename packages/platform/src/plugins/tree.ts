/**
 * Plugin trees held in memory: what `local://<name>` serves.
 */

import { compareBytes } from '../go-json.js';
import type { TarEntry } from '../tar/tar-writer.js';

/**
 * One file of a plugin as given by a user. A key ending in `/` declares a (possibly empty)
 * directory; its value is then ignored unless it is `{ dir: true, mode }`.
 */
export type PluginFileInput =
  | string
  | Uint8Array
  | { content: string | Uint8Array; mode?: number }
  | { dir: true; mode?: number };

/** A plugin as given by a user: relative path → content. */
export type PluginFiles = Record<string, PluginFileInput>;

/** A normalised node of a plugin tree. */
export type PluginNode = { type: 'file'; content: Uint8Array; mode: number } | { type: 'dir'; mode: number };

/** A plugin tree: relative path (no leading/trailing slash) → node, every parent directory present. */
export type PluginTree = Map<string, PluginNode>;

const utf8 = new TextEncoder();

/** Builds a tree from user input. Throws `TypeError` for absolute paths, `..`, or empty segments. */
export function toPluginTree(files: PluginFiles): PluginTree {
  const tree: PluginTree = new Map();
  const addDir = (path: string, explicitMode?: number): void => {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join('/');
      const existing = tree.get(p);
      if (existing?.type === 'file') throw new TypeError(`plugin path ${p} is both a file and a directory`);
      if (i === parts.length && explicitMode !== undefined) tree.set(p, { type: 'dir', mode: explicitMode });
      else if (!existing) tree.set(p, { type: 'dir', mode: 0o755 });
    }
  };
  for (const [rawKey, value] of Object.entries(files)) {
    const isDir = rawKey.endsWith('/') || (typeof value === 'object' && 'dir' in value);
    const key = rawKey.replace(/\/+$/, '');
    const parts = key.split('/');
    if (key === '' || key.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) {
      throw new TypeError(`invalid plugin path: ${JSON.stringify(rawKey)}`);
    }
    if (isDir) {
      const mode = typeof value === 'object' && !(value instanceof Uint8Array) ? value.mode : undefined;
      addDir(key, mode ?? 0o755);
      continue;
    }
    if (parts.length > 1) addDir(parts.slice(0, -1).join('/'));
    if (tree.get(key)?.type === 'dir')
      throw new TypeError(`plugin path ${key} is both a file and a directory`);
    let content: Uint8Array;
    let mode = 0o644;
    if (typeof value === 'string') content = utf8.encode(value);
    else if (value instanceof Uint8Array) content = value;
    else if ('content' in value) {
      content = typeof value.content === 'string' ? utf8.encode(value.content) : value.content;
      if (value.mode !== undefined) mode = value.mode;
    } else content = new Uint8Array(0);
    tree.set(key, { type: 'file', content, mode });
  }
  return tree;
}

/** Sum of regular-file sizes (what the server checks against its size limit). */
export function stagedBytes(tree: PluginTree): number {
  let n = 0;
  for (const node of tree.values()) if (node.type === 'file') n += node.content.length;
  return n;
}

/**
 * Entries in `filepath.Walk` order: lexical (bytewise) within each directory, depth-first,
 * a directory before its contents; no root entry.
 */
export function treeToTarEntries(
  tree: PluginTree,
  mtime: number,
  owner: { uid: number; gid: number; uname: string; gname: string },
): TarEntry[] {
  const children = new Map<string, string[]>();
  for (const path of tree.keys()) {
    const slash = path.lastIndexOf('/');
    const parent = slash < 0 ? '' : path.slice(0, slash);
    const list = children.get(parent) ?? [];
    list.push(path);
    children.set(parent, list);
  }
  const out: TarEntry[] = [];
  const walk = (dir: string): void => {
    const names = (children.get(dir) ?? []).slice().sort((a, b) => compareBytes(a, b));
    for (const path of names) {
      const node = tree.get(path)!;
      const base = { name: path, mode: node.mode, mtime, ...owner };
      if (node.type === 'file') out.push({ ...base, type: 'file', content: node.content });
      else {
        out.push({ ...base, type: 'dir' });
        walk(path);
      }
    }
  };
  walk('');
  return out;
}
