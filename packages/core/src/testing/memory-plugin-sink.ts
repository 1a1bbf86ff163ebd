import type { PluginSink, StagedFile, StagingArea } from '../ports/plugin-sink.js';

/** A node of an in-memory plugin tree. */
export type MemoryTreeNode =
  | { kind: 'file'; data: Uint8Array; mode: number }
  | { kind: 'directory'; mode: number }
  | { kind: 'symlink'; target: string };

/** An in-memory {@link PluginSink} plus a way to look at what it holds. */
export interface MemoryPluginSink extends PluginSink {
  /** The installed tree of a plugin (path → node), or `null` when it is not installed. */
  installed(pluginName: string): ReadonlyMap<string, MemoryTreeNode> | null;
  /** Staging areas begun and neither committed nor discarded. */
  readonly openStagingAreas: number;
}

function resolveLink(tree: Map<string, MemoryTreeNode>, path: string, depth = 0): MemoryTreeNode | undefined {
  const node = tree.get(path);
  if (node?.kind !== 'symlink' || depth > 32) return node;
  const parts = path.split('/').slice(0, -1);
  for (const part of node.target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return resolveLink(tree, parts.join('/'), depth + 1);
}

function stagedFile(tree: Map<string, MemoryTreeNode>, path: string): StagedFile | null {
  const node = resolveLink(tree, path);
  if (node?.kind !== 'file') return null;
  const { data } = node;
  return {
    path,
    size: data.length,
    open: () =>
      new ReadableStream<Uint8Array>({
        start(controller): void {
          controller.enqueue(data.slice());
          controller.close();
        },
      }),
  };
}

/**
 * A plugin sink that keeps everything in memory: for tests of the install pipeline on any runtime
 * and as the reference the contract suite is checked against. Locks serialise within the process.
 */
export function createMemoryPluginSink(): MemoryPluginSink {
  const installed = new Map<string, Map<string, MemoryTreeNode>>();
  const locks = new Map<string, Promise<void>>();
  let openStagingAreas = 0;

  return {
    name: 'memory',
    get openStagingAreas() {
      return openStagingAreas;
    },
    installed: (pluginName) => installed.get(pluginName) ?? null,

    async lock(pluginName, signal) {
      for (;;) {
        signal?.throwIfAborted();
        const held = locks.get(pluginName);
        if (!held) break;
        await new Promise<void>((resolve, reject) => {
          const onAbort = (): void => reject(signal?.reason);
          signal?.addEventListener('abort', onAbort, { once: true });
          void held.then(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          });
        });
      }
      let release!: () => void;
      locks.set(pluginName, new Promise<void>((resolve) => (release = resolve)));
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        locks.delete(pluginName);
        release();
      };
    },

    async cleanup() {},

    async installedPath(pluginName) {
      return installed.has(pluginName) ? `memory://plugins/${pluginName}` : null;
    },

    async beginStaging(pluginName): Promise<StagingArea> {
      const tree = new Map<string, MemoryTreeNode>();
      let state: 'open' | 'committed' | 'discarded' = 'open';
      openStagingAreas += 1;
      const close = (next: 'committed' | 'discarded'): void => {
        if (state === 'open') openStagingAreas -= 1;
        state = next;
      };
      // From the deepest parent up, stopping at the first that exists (its own parents do too):
      // a deep name costs its length, not its depth squared.
      let lastParent = '';
      const ensureParents = (path: string): void => {
        const parentEnd = path.lastIndexOf('/');
        if (
          parentEnd > 0 &&
          path.length > lastParent.length &&
          path.startsWith(lastParent) &&
          path[lastParent.length] === '/' &&
          parentEnd === lastParent.length
        )
          return; // same folder as the previous entry: its parents exist
        if (parentEnd > 0) lastParent = path.slice(0, parentEnd);
        for (let end = parentEnd; end > 0; end = path.lastIndexOf('/', end - 1)) {
          const parent = path.slice(0, end);
          if (tree.has(parent)) break;
          tree.set(parent, { kind: 'directory', mode: 0o755 });
        }
      };
      const assertOpen = (): void => {
        if (state !== 'open') throw new Error(`memory sink: staging area is ${state}`);
      };
      return {
        path: `memory://plugins/.staging-${pluginName}`,
        async mkdir(relPath, mode) {
          assertOpen();
          ensureParents(relPath);
          tree.set(relPath, { kind: 'directory', mode });
        },
        async writeFile(relPath, data, mode) {
          assertOpen();
          ensureParents(relPath);
          const parts: Uint8Array[] = [];
          const reader = data.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            parts.push(value.slice());
          }
          const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
          let offset = 0;
          for (const part of parts) {
            bytes.set(part, offset);
            offset += part.length;
          }
          tree.set(relPath, { kind: 'file', data: bytes, mode });
        },
        async symlink(relPath, target) {
          assertOpen();
          ensureParents(relPath);
          tree.set(relPath, { kind: 'symlink', target });
        },
        async *files() {
          for (const path of [...tree.keys()]) {
            const file = stagedFile(tree, path);
            if (file) yield file;
          }
        },
        async file(relPath) {
          return stagedFile(tree, relPath);
        },
        async commit() {
          assertOpen();
          installed.set(pluginName, tree);
          close('committed');
          return `memory://plugins/${pluginName}`;
        },
        async discard() {
          if (state === 'open') tree.clear();
          if (state !== 'committed') close('discarded');
        },
      };
    },
  };
}
