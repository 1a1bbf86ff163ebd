import type { TokenStore } from '@molecule-ai/agent-core';
import type { KvNamespaceLike, KvStoreOptions } from './kv-namespace.js';

/** The default key prefix of {@link createKvTokenStore}. */
export const DEFAULT_TOKEN_PREFIX = 'molecule:token:';

/**
 * A {@link TokenStore} that keeps each workspace's bearer token under one KV key
 * (`<prefix><workspaceId>`), written with a single `put` and no expiration, so a token is never
 * partial and never expires on its own.
 *
 * KV is eventually consistent: a token written in one location can take up to about 60 seconds
 * to be visible in another, and a read that missed may be cached there for as long. A cron tick
 * that runs in another location right after the first register can therefore load `null`. See
 * the package README for what that means and how to avoid it (pre-minted token in a secret).
 *
 * @param namespace a KV namespace binding, e.g. `env.TOKENS`
 */
export function createKvTokenStore(namespace: KvNamespaceLike, options: KvStoreOptions = {}): TokenStore {
  const prefix = options.prefix ?? DEFAULT_TOKEN_PREFIX;
  const key = (workspaceId: string): string => prefix + workspaceId;
  return {
    name: 'kv',
    async load(workspaceId) {
      const value = await namespace.get(key(workspaceId));
      const token = value?.trim();
      return token ? token : null;
    },
    async save(workspaceId, token) {
      await namespace.put(key(workspaceId), token);
    },
    async clear(workspaceId) {
      await namespace.delete(key(workspaceId));
    },
    describe(workspaceId) {
      return `the KV key "${key(workspaceId)}"`;
    },
  };
}
