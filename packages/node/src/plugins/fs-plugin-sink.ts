import { mkdir, readdir, readlink, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '@molecule-ai/agent-core';
import { assertPluginName } from '@molecule-ai/agent-core/plugins';
import type { PluginSink } from '@molecule-ai/agent-core/ports';
import { acquireFileLock } from '../stores/file-lock.js';
import { assertPathLength, pathError } from '../stores/path-error.js';
import { assertTrustedDirectory } from '../stores/trusted-path.js';
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

/** The version folder `<name>` links to, when it is a link this sink made; otherwise `null`. */
async function linkedVersion(target: string, versionName: RegExp): Promise<string | null> {
  try {
    const value = await readlink(target);
    return versionName.test(value) ? value : null;
  } catch {
    // ENOENT (nothing installed) or EINVAL (a real folder from an older release).
    return null;
  }
}

/**
 * A {@link PluginSink} on the local file system.
 *
 * Layout inside `pluginsDir`: `<name>` (a link to the installed version), `.v-<name>-<8 hex>/`
 * (version folders), `.staging-<name>-<8 hex>/` (being written), `.link-<name>-<8 hex>` (the new
 * link, for an instant), `.lock-<name>` (the install lock). Plugin names cannot start with a dot,
 * so none of these can collide with a plugin.
 *
 * Readers: the swap renames a new link over `<name>`, one atomic step, so a process reading the
 * plugin at any moment finds the old tree or the new one, never nothing. The previous version
 * stays until the next install of that plugin, so a reader in the middle of it is not cut off.
 *
 * Crashes: `<name>` always points to a complete version. The next install's `cleanup` removes
 * staging folders, stray links and every version folder `<name>` does not point to; it never
 * moves anything into place, so a folder planted under a backup's name is removed, never
 * installed. Two processes installing the same plugin are serialised by the lock file (a dead
 * holder's lock is taken over at once, a silent one after `staleLockMs`).
 *
 * Trust: `pluginsDir` must belong to this user (or root) and be writable by no one else; its
 * parent may be shared only with the sticky bit set (like `/tmp`). Otherwise every call fails
 * with a `ConfigError` saying what to fix, since anyone who can write there could plant a
 * plugin, a lock or a backup.
 */
export function createFsPluginSink(options: FsPluginSinkOptions): PluginSink {
  if (typeof options.pluginsDir !== 'string' || options.pluginsDir === '') {
    throw new ConfigError('createFsPluginSink: pluginsDir is required');
  }
  const pluginsDir = resolve(options.pluginsDir);
  assertPathLength(pluginsDir, 'plugins folder');
  const durable = options.durable ?? true;
  const staleMs = options.staleLockMs ?? 60_000;
  const concurrency = options.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY;

  /** Creates `pluginsDir` when missing and refuses it when others could write into it. */
  async function ensureTrustedPluginsDir(): Promise<void> {
    try {
      // 0755 whatever the umask (it only removes bits): never group- or world-writable.
      await mkdir(pluginsDir, { recursive: true, mode: 0o755 });
    } catch (error) {
      throw pathError(error, pluginsDir) ?? error;
    }
    await assertTrustedDirectory(dirname(pluginsDir), {
      what: 'parent of the plugins folder',
      allowSticky: true,
    });
    await assertTrustedDirectory(pluginsDir, { what: 'plugins folder' });
  }

  const patterns = (pluginName: string) => {
    const escaped = escapeRegExp(pluginName);
    return {
      version: new RegExp(`^\\.v-${escaped}-[0-9a-f]{8}$`),
      leftover: new RegExp(`^\\.(?:staging|link|old)-${escaped}-[0-9a-f]{8}$`),
    };
  };

  return {
    name: 'fs',

    async lock(pluginName, signal) {
      assertPluginName(pluginName);
      await ensureTrustedPluginsDir();
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
      const { version, leftover } = patterns(pluginName);
      const current = await linkedVersion(join(pluginsDir, pluginName), version);
      // `.old-*` are set-aside folders of older releases: removed like the rest, never restored.
      const stale = names.filter((name) => leftover.test(name) || (version.test(name) && name !== current));
      await Promise.all(stale.map((name) => rm(join(pluginsDir, name), { recursive: true, force: true })));
    },

    async beginStaging(pluginName) {
      assertPluginName(pluginName);
      await ensureTrustedPluginsDir();
      return createFsStagingArea({ pluginsDir, pluginName, durable, concurrency });
    },

    async installedPath(pluginName) {
      assertPluginName(pluginName);
      const target = join(pluginsDir, pluginName);
      const current = await linkedVersion(target, patterns(pluginName).version);
      if (current !== null) return (await isDirectory(join(pluginsDir, current))) ? target : null;
      // A real folder: installed by an older release or the Python SDK.
      return (await isDirectory(target)) ? target : null;
    },
  };
}
