import type { KvNamespaceLike, KvStoreOptions } from './kv-namespace.js';

/** The default key prefix of {@link createKvStopMarker}. */
export const DEFAULT_STOP_PREFIX = 'molecule:stopped:';

/** Why and when the agent of a workspace stopped working. */
export interface StopRecord {
  /** What the agent's tick reported, e.g. `paused` or `deleted`. */
  reason: string;
  /** When the stop was recorded, milliseconds since the epoch. */
  atMs: number;
}

/**
 * A persisted "stopped" flag per workspace. Once the agent's tick says the work is over (pause,
 * delete), the Worker records it here, and every later tick reads it first and does nothing: no
 * register, no heartbeat, no poll. That matters after a delete, where a register would succeed and
 * mint a useless token, and a heartbeat would still answer 200.
 */
export interface StopMarker {
  load(workspaceId: string): Promise<StopRecord | null>;
  save(workspaceId: string, record: StopRecord): Promise<void>;
  /** Removes the flag, so the next tick works again (e.g. after the workspace was resumed). */
  clear(workspaceId: string): Promise<void>;
}

/**
 * A {@link StopMarker} under `<prefix><workspaceId>` in a KV namespace. Written once when the agent
 * stops, so KV's write-rate limit does not apply in practice. An unreadable value counts as stopped,
 * with reason `unknown`: a damaged marker must never restart work the user stopped.
 */
export function createKvStopMarker(namespace: KvNamespaceLike, options: KvStoreOptions = {}): StopMarker {
  const prefix = options.prefix ?? DEFAULT_STOP_PREFIX;
  const key = (workspaceId: string): string => prefix + workspaceId;
  return {
    async load(workspaceId) {
      const text = await namespace.get(key(workspaceId));
      if (text === null) return null;
      try {
        const value = JSON.parse(text) as Partial<StopRecord>;
        if (typeof value.reason === 'string' && typeof value.atMs === 'number') {
          return { reason: value.reason, atMs: value.atMs };
        }
      } catch {
        // fall through: unreadable means stopped, for the reason in the doc comment
      }
      return { reason: 'unknown', atMs: 0 };
    },
    async save(workspaceId, record) {
      await namespace.put(key(workspaceId), JSON.stringify({ reason: record.reason, atMs: record.atMs }));
    },
    async clear(workspaceId) {
      await namespace.delete(key(workspaceId));
    },
  };
}
