import { type CursorState, type CursorStore, InvalidResponseError } from '@molecule-ai/agent-core';
import type { KvNamespaceLike, KvStoreOptions } from './kv-namespace.js';

/** The default key prefix of {@link createKvCursorStore}. */
export const DEFAULT_CURSOR_PREFIX = 'molecule:cursor:';

interface StoredCursor {
  v: 1;
  cursor: string | null;
  seen: string[];
}

function parseStoredCursor(text: string, source: string): CursorState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InvalidResponseError('the saved inbound cursor is not JSON', { source, cause });
  }
  const stored = value as Partial<StoredCursor> | null;
  const cursorOk = stored?.cursor === null || typeof stored?.cursor === 'string';
  const seenOk = Array.isArray(stored?.seen) && stored.seen.every((id) => typeof id === 'string');
  if (stored?.v !== 1 || !cursorOk || !seenOk) {
    throw new InvalidResponseError('the saved inbound cursor has an unknown shape', {
      source,
      issues: [
        ...(stored?.v === 1 ? [] : ['v: expected 1']),
        ...(cursorOk ? [] : ['cursor: expected string or null']),
        ...(seenOk ? [] : ['seen: expected string[]']),
      ],
    });
  }
  return { cursor: stored.cursor ?? null, seen: [...(stored.seen as string[])] };
}

/**
 * A {@link CursorStore} that keeps each workspace's inbound poll position as one JSON value under
 * `<prefix><workspaceId>`.
 *
 * KV allows about one write per second to the same key. Every `save` here is one `put`, so the
 * caller decides how often to write: the agent tick of this package buffers the cursor in memory
 * during a tick and writes it once at the end, and only when it changed (see
 * {@link createTickCursorBuffer}). A 1-minute cron thus stays far below the limit.
 */
export function createKvCursorStore(namespace: KvNamespaceLike, options: KvStoreOptions = {}): CursorStore {
  const prefix = options.prefix ?? DEFAULT_CURSOR_PREFIX;
  const key = (workspaceId: string): string => prefix + workspaceId;
  return {
    name: 'kv',
    async load(workspaceId) {
      const text = await namespace.get(key(workspaceId));
      return text === null ? null : parseStoredCursor(text, `KV ${key(workspaceId)}`);
    },
    async save(workspaceId, state) {
      const stored: StoredCursor = { v: 1, cursor: state.cursor, seen: [...state.seen] };
      await namespace.put(key(workspaceId), JSON.stringify(stored));
    },
    async clear(workspaceId) {
      await namespace.delete(key(workspaceId));
    },
  };
}
