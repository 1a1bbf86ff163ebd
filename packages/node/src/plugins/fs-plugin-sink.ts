import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assertPluginName, ConfigError, type PluginSink } from '@molecule-ai/agent-core';
import { acquireFileLock } from '../stores/file-lock.js';
import { createFsStagingArea, DEFAULT_WRITE_CONCURRENCY, isDirectory } from './fs-staging-area.js';

/** Options of {@link createFsPluginSink}. */
export interface FsPluginSinkOptions {
  /**
   * The folder plugins are installed into (`<pluginsDir>/<name>`). The Python SDK's layout is
   * `~/.molecule/<workspaceId>/plugins`; the caller decides.
   */
  pluginsDir: string;
  /**
   * fsync every file and directory before the swap, so that a power cut cannot leave a swapped-in
   * plugin with empty files. Default true.
   */
  durable?: boolean;
  /** A lock file untouched for this long is taken over (its holder refreshes it while alive). Default 60 s. */
  staleLockMs?: number;
  /** Most files written (and fsynced) in the background at once. Default 16. */
  writeConcurrency?: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A {@link PluginSink} on the local file system.
 *
 * Layout inside `pluginsDir`: `<name>/` (installed), `.staging-<name>-<8 hex>/` (being written),
 * `.old-<name>-<8 hex>/` (the previous version during a swap), `.lock-<name>` (the install lock).
 * Plugin names cannot start with a dot, so none of these can collide with a plugin.
 *
 * Crash safety: the swap is two renames. A crash before the first leaves the old version; after
 * the second, the new one; in between, the old version sits in `.old-<name>-*` and the next
 * install's `cleanup` renames it back before anything else. Leftover staging folders are removed
 * by the same `cleanup`. Two processes installing the same plugin are serialised by the lock
 * file (O_EXCL; a dead holder's lock is taken over at once, a silent one after `staleLockMs`).
 */
export function createFsPluginSink(options: FsPluginSinkOptions): PluginSink {
  if (typeof options.pluginsDir !== 'string' || options.pluginsDir === '') {
    throw new ConfigError('createFsPluginSink: pluginsDir is required');
  }
  const pluginsDir = resolve(options.pluginsDir);
  const durable = options.durable ?? true;
  const staleMs = options.staleLockMs ?? 60_000;
  const concurrency = options.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY;

  return {
    name: 'fs',

    async lock(pluginName, signal) {
      assertPluginName(pluginName);
      await mkdir(pluginsDir, { recursive: true });
      // Installs take long: the holder refreshes the lock, and waiters wait as long as it does.
      return acquireFileLock(join(pluginsDir, `.lock-${pluginName}`), {
        staleMs,
        refresh: true,
        maxPollMs: 250,
        mode: 0o644,
        ...(signal ? { signal } : {}),
      });
    },

    async cleanup(pluginName) {
      assertPluginName(pluginName);
      let names: string[];
      try {
        names = await readdir(pluginsDir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      const escaped = escapeRegExp(pluginName);
      const staging = new RegExp(`^\\.staging-${escaped}-[0-9a-f]{8}$`);
      const old = new RegExp(`^\\.old-${escaped}-[0-9a-f]{8}$`);
      const leftovers = names.filter((name) => staging.test(name) || old.test(name));
      const target = join(pluginsDir, pluginName);
      if (!(await isDirectory(target))) {
        // An interrupted swap: the old version was set aside and the new one never arrived.
        const asides = await Promise.all(
          leftovers
            .filter((name) => old.test(name))
            .map(async (name) => ({ name, ctimeMs: (await stat(join(pluginsDir, name))).ctimeMs })),
        );
        const newest = asides.sort((a, b) => b.ctimeMs - a.ctimeMs)[0];
        if (newest) {
          await rename(join(pluginsDir, newest.name), target);
          leftovers.splice(leftovers.indexOf(newest.name), 1);
        }
      }
      await Promise.all(
        leftovers.map((name) => rm(join(pluginsDir, name), { recursive: true, force: true })),
      );
    },

    async beginStaging(pluginName) {
      assertPluginName(pluginName);
      return createFsStagingArea({ pluginsDir, pluginName, durable, concurrency });
    },

    async installedPath(pluginName) {
      assertPluginName(pluginName);
      const target = join(pluginsDir, pluginName);
      return (await isDirectory(target)) ? target : null;
    },
  };
}
