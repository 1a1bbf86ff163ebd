import { type CursorState, type CursorStore, InvalidResponseError } from '@molecule-ai/agent-core';
import type { DurableObjectStorageLike, DurableObjectStoreOptions } from './durable-object-storage.js';

/** The default key prefix of {@link createDurableObjectCursorStore}. */
export const DEFAULT_DURABLE_CURSOR_PREFIX = 'cursor:';

interface StoredCursor {
  v: 1;
  cursor: string | null;
  seen: string[];
}

function parseStoredCursor(value: unknown, source: string): CursorState {
  const stored = value as Partial<StoredCursor> | null;
  const cursorOk = stored?.cursor === null || typeof stored?.cursor === 'string';
  const seenOk = Array.isArray(stored?.seen) && stored.seen.every((id) => typeof id === 'string');
  if (stored?.v !== 1 || !cursorOk || !seenOk) {
    throw new InvalidResponseError('the saved inbound cursor has an unknown shape', { source });
  }
  return { cursor: stored.cursor ?? null, seen: [...(stored.seen as string[])] };
}

/**
 * A {@link CursorStore} in a Durable Object's storage: each workspace's poll position and the ids
 * it handled, as ONE value under `<prefix><workspaceId>`. The core's poll delivery saves after each
 * handled message, so advancing the cursor and recording the handled id are one `put`: one
 * transaction, never half applied. `save` resolves only once the write is durable (`sync()`),
 * so the next message starts after it: an object that dies repeats only the message in flight.
 *
 * A Durable Object allows far more writes than KV's one per second per key, so no per-tick buffer
 * is needed: each handled message is durable at once.
 *
 * @param storage the object's `ctx.storage`
 */
export function createDurableObjectCursorStore(
  storage: DurableObjectStorageLike,
  options: DurableObjectStoreOptions = {},
): CursorStore {
  const prefix = options.prefix ?? DEFAULT_DURABLE_CURSOR_PREFIX;
  const key = (workspaceId: string): string => prefix + workspaceId;
  return {
    name: 'durable-object',
    async load(workspaceId) {
      const value = await storage.get<unknown>(key(workspaceId));
      return value === undefined
        ? null
        : parseStoredCursor(value, `Durable Object storage ${key(workspaceId)}`);
    },
    async save(workspaceId, state) {
      const stored: StoredCursor = { v: 1, cursor: state.cursor, seen: [...state.seen] };
      await storage.put(key(workspaceId), stored);
      // Durable before the next message is handled: an object that dies later repeats nothing.
      await storage.sync?.();
    },
    async clear(workspaceId) {
      await storage.delete(key(workspaceId));
    },
  };
}
