import type { TokenStore } from '@molecule-ai/agent-core';
import type { DurableObjectStorageLike, DurableObjectStoreOptions } from './durable-object-storage.js';

/** The default key prefix of {@link createDurableObjectTokenStore}. */
export const DEFAULT_DURABLE_TOKEN_PREFIX = 'token:';

/**
 * A {@link TokenStore} in a Durable Object's storage, under `<prefix><workspaceId>`. One `put` per
 * save, so a token is never partial; the object's storage is strongly consistent, so the token a
 * register saved is the token every later alarm reads (unlike KV, see the package README).
 *
 * @param storage the object's `ctx.storage`
 */
export function createDurableObjectTokenStore(
  storage: DurableObjectStorageLike,
  options: DurableObjectStoreOptions = {},
): TokenStore {
  const prefix = options.prefix ?? DEFAULT_DURABLE_TOKEN_PREFIX;
  const key = (workspaceId: string): string => prefix + workspaceId;
  return {
    name: 'durable-object',
    async load(workspaceId) {
      const value = await storage.get<unknown>(key(workspaceId));
      const token = typeof value === 'string' ? value.trim() : '';
      return token ? token : null;
    },
    async save(workspaceId, token) {
      await storage.put(key(workspaceId), token);
    },
    async clear(workspaceId) {
      await storage.delete(key(workspaceId));
    },
    describe(workspaceId) {
      return `the Durable Object storage key "${key(workspaceId)}"`;
    },
  };
}
