import { UnsafeArchiveError } from '../errors.js';
import { escapeEntryName, quoteEntryName } from './entry-name.js';

/**
 * What a plugin archive may contain, entry by entry. Pure: no I/O, no clock; feed it the headers
 * in archive order and it either admits an entry (normalised) or throws an `UnsafeArchiveError`
 * naming the entry and the rule. One policy object per archive: it remembers what it has seen.
 *
 * Rules (the `rule` of the error):
 * - types: regular files, directories and relative symlinks (`symlink` when `allowSymlinks` is false), `hardlink`,
 *   `device` (character or block), `fifo`, `unsupported-type` (sparse, volume labels, anything else).
 * - names: `empty-path`, `nul-in-path`, `control-character` (other C0 controls, DEL and C1 controls),
 *   `bidi-control` (U+202A–U+202E, U+2066–U+2069: a name that displays as another one),
 *   `backslash`, `absolute-path`, `drive-letter` (`C:`), `path-traversal` (any `..` segment, even one
 *   that would stay inside), `dot-segment` (`a/./b`), `empty-segment` (`a//b`), `path-too-long`.
 *   A leading `./` (from `tar -C dir .`) is stripped, and `./` alone is the root and ignored.
 * - collisions: `duplicate-type-change` (the same path as a file and a directory, or a symlink
 *   twice), `unicode-duplicate` (equal after NFC normalisation but spelt differently),
 *   `case-collision` (equal ignoring case; would merge on macOS and Windows; off with
 *   `allowCaseCollisions`), `parent-not-directory` (a path under a file), `path-through-symlink`
 *   (a path under a symlink). A file that repeats as a file is allowed: the later one wins, as tar does.
 * - symlinks (when allowed): `symlink-escape` (absolute, or resolving outside the plugin),
 *   `symlink-chain` (a target that walks through another symlink, checked in `finish`).
 * - modes: `setuid` and `setgid` on files are refused. Everything else is normalised: files get
 *   0o755 if any execute bit is set, else 0o644; directories 0o755. So world- and group-writable
 *   bits, sticky bits and a setgid bit on a directory (common on shared group folders, harmless for
 *   a folder) are dropped rather than refused. Owners and times are never applied.
 * - limits: `max-entries` (headers counted, including directories; also folders, listed or implied
 *   by names, so that deep names cannot build a huge tree), `max-bytes` (sum of declared
 *   file sizes, checked before the data is read).
 *
 * This rejects `subdir/../x`, which the Python SDK resolves and accepts: a name with `..` in it is
 * never needed by an honest archive (Go's, GNU's and Python's writers do not produce one), and
 * refusing is simpler to get right than resolving.
 */
export interface ArchivePolicyOptions {
  /**
   * Admit relative symlinks whose target stays inside the plugin (`CLAUDE.md -> AGENTS.md`).
   * Default true; `false` refuses every symlink.
   */
  allowSymlinks?: boolean | undefined;
  /** Admit paths that differ only in letter case. Default false. */
  allowCaseCollisions?: boolean | undefined;
  /** Most bytes of regular-file data. Default 100 MiB, the platform's `PLUGIN_INSTALL_MAX_DIR_BYTES`. */
  maxBytes?: number;
  /** Most entries (files, directories, links; not PAX/GNU records). Default 10,000. */
  maxEntries?: number;
  /** Longest path in UTF-8 bytes. Default 4,096; each segment at most 255 bytes. */
  maxPathBytes?: number;
}

/** The platform's `PLUGIN_INSTALL_MAX_DIR_BYTES` default: 100 MiB of regular-file data. */
export const DEFAULT_MAX_PLUGIN_BYTES: number = 100 * 1024 * 1024;
/** Default most entries in a plugin archive. */
export const DEFAULT_MAX_PLUGIN_ENTRIES = 10_000;
/** Default longest entry path, in UTF-8 bytes. */
export const DEFAULT_MAX_PATH_BYTES = 4096;
const MAX_SEGMENT_BYTES = 255;

/** The part of a tar header the policy looks at. */
export interface ArchiveEntryInput {
  path: string;
  type: string;
  size: number;
  mode: number;
  linkTarget: string | null;
}

/** What to do with an admitted entry. Paths are relative, POSIX, with no `.`/`..`/empty segments. */
export type AdmittedEntry =
  | { kind: 'file'; path: string; mode: number; size: number }
  | { kind: 'directory'; path: string; mode: number }
  | { kind: 'symlink'; path: string; target: string }
  /** The archive's `./` entry: nothing to create. */
  | { kind: 'root' };

/** A stateful checker for one archive. */
export interface ArchivePolicy {
  /** Checks one entry against every rule and what came before; returns what to create. */
  admit(entry: ArchiveEntryInput): AdmittedEntry;
  /** Checks what can only be judged on the whole tree (symlink chains). Call after the last entry. */
  finish(): void;
  /** Entries admitted so far. */
  readonly entries: number;
  /** Declared file bytes admitted so far. */
  readonly bytes: number;
}

type NodeKind = 'file' | 'directory' | 'symlink';
/**
 * One name of the tree, explicit or implied. The tree is kept as nested folders (not a map of
 * whole paths) so that checking an entry's parents costs its own length, not its depth squared.
 */
interface Node {
  /**
   * The segment exactly as admitted (before NFC), to tell genuine repeats from look-alikes;
   * absent when it is its own key (every ASCII name).
   */
  segment?: string;
  kind: NodeKind;
  /** Children by the NFC form of their segment. */
  children?: Map<string, Node>;
  /**
   * NFC key of each lower-cased NFC key among the children that is not lower case itself, to find
   * case collisions (a lower-case key is found among the children as it is).
   */
  byCase?: Map<string, string>;
}

/**
 * Every file whose segment is its own key: the one node they share. An install keeps every name
 * until it ends, and most entries are such files, so they cost a map entry each and no object.
 */
const PLAIN_FILE: Node = Object.freeze({ kind: 'file' });

/** UTF-8 length of a string without encoding it (lone surrogates count as the 3 bytes of U+FFFD). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

function reject(message: string, rule: string, entry: string): never {
  throw new UnsafeArchiveError(`refusing plugin archive entry ${quoteEntryName(entry)}: ${message}`, {
    rule,
    entry: escapeEntryName(entry),
  });
}

/** C0 and C1 controls, DEL. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** All ASCII: already in NFC, no need to ask ICU. */
const ASCII = /^[\u0000-\u007f]*$/;
const DOT_DOT_SEGMENT = /(?:^|\/)\.\.(?:\/|$)/;
const DOT_SEGMENT = /(?:^|\/)\.(?:\/|$)/;
/** Segments of more than 85 UTF-16 units: only those can pass 255 UTF-8 bytes. */
const POSSIBLY_LONG_SEGMENT = /[^/]{86,}/g;
/** Bidirectional embeddings, overrides and isolates: they make a name display as another one. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

/** Creates the policy for one archive. */
export function createArchivePolicy(options: ArchivePolicyOptions = {}): ArchivePolicy {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PLUGIN_BYTES;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_PLUGIN_ENTRIES;
  const maxPathBytes = options.maxPathBytes ?? DEFAULT_MAX_PATH_BYTES;
  const root: Node = { segment: '', kind: 'directory' };
  const symlinks: { path: string; target: string }[] = [];
  let entries = 0;
  let bytes = 0;
  let folders = 0;

  /** The parent folder of the last admitted entry, by its path: most entries share one. */
  let cachedParentPath = '';
  let cachedParent: Node = root;

  /**
   * The child `key` (the NFC form of `segment`) of `parent`, checking look-alike spellings.
   * `prefix` (the parent's path) is only used to word a refusal.
   */
  function lookup(
    parent: Node,
    segment: string,
    key: string,
    prefix: () => string,
    raw: string,
  ): Node | undefined {
    const children = parent.children;
    if (children === undefined) return undefined;
    const node = children.get(key);
    if (node !== undefined) {
      const admitted = node.segment ?? key;
      if (admitted !== segment) {
        const dir = prefix();
        reject(
          `${quoteEntryName(dir + segment)} and ${quoteEntryName(dir + admitted)} are the same name after Unicode normalisation`,
          'unicode-duplicate',
          raw,
        );
      }
      return node;
    }
    if (!options.allowCaseCollisions) {
      const lower = key.toLowerCase();
      const other = parent.byCase?.get(lower) ?? (lower !== key && children.has(lower) ? lower : undefined);
      if (other !== undefined && other !== key) {
        const dir = prefix();
        reject(
          `${quoteEntryName(dir + segment)} differs from ${quoteEntryName(dir + (children.get(other)?.segment ?? other))} only in letter case`,
          'case-collision',
          raw,
        );
      }
    }
    return undefined;
  }

  function remember(parent: Node, segment: string, key: string, kind: NodeKind, raw: string): Node {
    // Folders implied by deep names cost memory like listed ones: both count, so that 10,000
    // entries cannot each drag in a chain of 2,000 new folders.
    if (kind === 'directory' && ++folders > maxEntries) {
      throw new UnsafeArchiveError(
        `plugin archive has more than ${maxEntries} folders (listed or implied by entry names)`,
        { rule: 'max-entries', entry: escapeEntryName(raw) },
      );
    }
    const node: Node = kind === 'file' && segment === key ? PLAIN_FILE : { segment, kind };
    parent.children ??= new Map();
    parent.children.set(key, node);
    const lower = key.toLowerCase();
    if (lower !== key) {
      parent.byCase ??= new Map();
      parent.byCase.set(lower, key);
    }
    return node;
  }

  /**
   * Every ancestor must be (or become) a directory; returns the parent folder of a path whose
   * folder part is `parentPath` (NFC form `parentKey`). One walk down the folder tree, skipped when
   * the previous entry had the same parent: claiming parents costs the name's length, once.
   */
  function claimParents(parentPath: string, parentKey: string, raw: string): Node {
    if (parentPath === cachedParentPath) return cachedParent;
    const segments = parentPath.split('/');
    const keys = parentKey === parentPath ? segments : parentKey.split('/');
    const prefix = (i: number) => (): string => (i === 0 ? '' : `${segments.slice(0, i).join('/')}/`);
    let folder = root;
    for (let i = 0; i < segments.length; i++) {
      const node = lookup(folder, segments[i]!, keys[i]!, prefix(i), raw);
      if (!node) {
        folder = remember(folder, segments[i]!, keys[i]!, 'directory', raw);
        continue;
      }
      if (node.kind !== 'directory') {
        const parent = quoteEntryName(segments.slice(0, i + 1).join('/'));
        if (node.kind === 'symlink') reject(`its parent ${parent} is a symlink`, 'path-through-symlink', raw);
        reject(`its parent ${parent} is a file`, 'parent-not-directory', raw);
      }
      folder = node;
    }
    cachedParentPath = parentPath;
    cachedParent = folder;
    return folder;
  }

  /**
   * The name with a leading `./` (and a directory's trailing `/`) removed, or `null` for the root;
   * refuses what the rules forbid. Whole-string checks: no per-segment work for long names.
   */
  function normalisePath(raw: string, isDirectory: boolean): string | null {
    if (raw.includes('\0')) reject('the name contains a NUL byte', 'nul-in-path', raw);
    if (CONTROL.test(raw)) reject('the name contains a control character', 'control-character', raw);
    if (BIDI_CONTROL.test(raw))
      reject('the name contains a bidirectional control character', 'bidi-control', raw);
    if (raw.includes('\\')) reject('the name contains a backslash', 'backslash', raw);
    if (raw.startsWith('/')) reject('absolute paths are not allowed', 'absolute-path', raw);
    if (/^[A-Za-z]:/.test(raw)) reject('Windows drive letters are not allowed', 'drive-letter', raw);
    let path = raw;
    while (path.startsWith('./')) path = path.slice(2);
    if (path === '.') path = '';
    if (isDirectory) path = path.replace(/\/+$/, '');
    if (path === '') {
      if (isDirectory) return null;
      reject('the name is empty', 'empty-path', raw);
    }
    // A UTF-16 unit is 1 to 3 UTF-8 bytes: count exactly only when it could matter.
    if (path.length > maxPathBytes || (path.length * 3 > maxPathBytes && utf8Length(path) > maxPathBytes))
      reject(`the name is longer than ${maxPathBytes} bytes`, 'path-too-long', raw);
    if (DOT_DOT_SEGMENT.test(path)) reject('".." segments are not allowed', 'path-traversal', raw);
    if (DOT_SEGMENT.test(path)) reject('"." segments are only allowed as a leading "./"', 'dot-segment', raw);
    if (path.startsWith('/') || path.endsWith('/') || path.includes('//'))
      reject('the name has an empty segment', 'empty-segment', raw);
    if (path.length > MAX_SEGMENT_BYTES / 3) {
      for (const long of path.match(POSSIBLY_LONG_SEGMENT) ?? []) {
        if (utf8Length(long) > MAX_SEGMENT_BYTES)
          reject(`a segment is longer than ${MAX_SEGMENT_BYTES} bytes`, 'path-too-long', raw);
      }
    }
    return path;
  }

  function checkSymlinkTarget(segments: string[], target: string, raw: string): void {
    if (target === '') reject('the symlink target is empty', 'symlink-escape', raw);
    if (CONTROL.test(target) || BIDI_CONTROL.test(target) || target.includes('\\'))
      reject('the symlink target contains a control character or backslash', 'symlink-escape', raw);
    if (target.startsWith('/') || /^[A-Za-z]:/.test(target))
      reject('the symlink target is absolute', 'symlink-escape', raw);
    const resolved = segments.slice(0, -1);
    for (const part of target.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (resolved.length === 0)
          reject(`the symlink target ${JSON.stringify(target)} leaves the plugin`, 'symlink-escape', raw);
        resolved.pop();
      } else {
        resolved.push(part);
      }
    }
  }

  return {
    get entries() {
      return entries;
    },
    get bytes() {
      return bytes;
    },

    admit(entry: ArchiveEntryInput): AdmittedEntry {
      const raw = entry.path;
      entries += 1;
      if (entries > maxEntries) {
        throw new UnsafeArchiveError(`plugin archive has more than ${maxEntries} entries`, {
          rule: 'max-entries',
          entry: escapeEntryName(raw),
        });
      }

      let kind: NodeKind;
      switch (entry.type) {
        case 'file':
          kind = 'file';
          break;
        case 'directory':
          kind = 'directory';
          break;
        case 'symlink':
          if (options.allowSymlinks === false)
            reject('symlinks are not allowed (allowSymlinks is false)', 'symlink', raw);
          kind = 'symlink';
          break;
        case 'hardlink':
          reject('hard links are not allowed', 'hardlink', raw);
          break;
        case 'character-device':
        case 'block-device':
          reject('device nodes are not allowed', 'device', raw);
          break;
        case 'fifo':
          reject('FIFOs are not allowed', 'fifo', raw);
          break;
        default:
          reject(`entries of type ${entry.type} are not allowed`, 'unsupported-type', raw);
      }

      const path = normalisePath(raw, kind === 'directory');
      if (path === null) return { kind: 'root' };

      if (kind === 'file') {
        if (entry.mode & 0o4000) reject('setuid files are not allowed', 'setuid', raw);
        if (entry.mode & 0o2000) reject('setgid files are not allowed', 'setgid', raw);
        if (bytes + entry.size > maxBytes) {
          throw new UnsafeArchiveError(`plugin archive has more than ${maxBytes} bytes of file data`, {
            rule: 'max-bytes',
            entry: escapeEntryName(raw),
          });
        }
      }

      // NFC never joins across a "/", so the normalised name splits into each segment's form.
      const normalised = ASCII.test(path) ? path : path.normalize('NFC');
      const slash = path.lastIndexOf('/');
      const keySlash = normalised.lastIndexOf('/');
      const name = path.slice(slash + 1);
      const parentPath = slash < 0 ? '' : path.slice(0, slash);
      const folder = slash < 0 ? root : claimParents(parentPath, normalised.slice(0, keySlash), raw);
      const existing = lookup(
        folder,
        name,
        normalised.slice(keySlash + 1),
        () => (slash < 0 ? '' : `${parentPath}/`),
        raw,
      );
      if (existing && (existing.kind !== kind || kind === 'symlink')) {
        reject(`${quoteEntryName(path)} appears twice with different types`, 'duplicate-type-change', raw);
      }

      if (kind === 'symlink') {
        const target = entry.linkTarget ?? '';
        checkSymlinkTarget(path.split('/'), target, raw);
        symlinks.push({ path, target });
      }
      if (!existing) remember(folder, name, normalised.slice(keySlash + 1), kind, raw);

      switch (kind) {
        case 'file':
          bytes += entry.size;
          return { kind, path, mode: entry.mode & 0o111 ? 0o755 : 0o644, size: entry.size };
        case 'directory':
          return { kind, path, mode: 0o755 };
        case 'symlink':
          return { kind, path, target: entry.linkTarget ?? '' };
      }
    },

    finish(): void {
      // Each symlink was checked lexically on its own. Resolution through *another* symlink can
      // still escape (`l -> .` then `x -> l/..`), so no intermediate step of a target may be a symlink.
      // Walked as a stack of folders: a step costs one lookup, not the whole path again.
      for (const link of symlinks) {
        const folders: (Node | undefined)[] = [root];
        for (const segment of link.path.split('/').slice(0, -1)) {
          folders.push(folders[folders.length - 1]?.children?.get(segment.normalize('NFC')));
        }
        const parts = link.target.split('/').filter((part) => part !== '' && part !== '.');
        for (let i = 0; i < parts.length - 1; i++) {
          const part = parts[i]!;
          if (part === '..') {
            folders.pop();
            continue;
          }
          const node = folders[folders.length - 1]?.children?.get(part.normalize('NFC'));
          folders.push(node);
          if (node?.kind === 'symlink') {
            reject(
              `the symlink target ${quoteEntryName(link.target)} passes through another symlink`,
              'symlink-chain',
              link.path,
            );
          }
        }
      }
    },
  };
}
