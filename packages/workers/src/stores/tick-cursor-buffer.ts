import type { CursorState, CursorStore } from '@molecule-ai/agent-core';

/** A {@link CursorStore} that holds writes in memory until {@link TickCursorBuffer.flush}. */
export interface TickCursorBuffer extends CursorStore {
  /**
   * Writes the buffered state to the underlying store, once per workspace and only when it differs
   * from what was loaded. Resolves to the number of writes (or clears) sent.
   */
  flush(): Promise<number>;
}

interface Entry {
  /** What the underlying store held when first read in this tick, serialised; `null` when absent. */
  loaded: string | null;
  /** The state the tick ended with; `null` after a clear. */
  current: CursorState | null;
}

function serialise(state: CursorState | null): string | null {
  return state === null ? null : JSON.stringify({ cursor: state.cursor, seen: state.seen });
}

function copy(state: CursorState | null): CursorState | null {
  return state === null ? null : { cursor: state.cursor, seen: [...state.seen] };
}

/**
 * Wraps a cursor store for the span of one tick: the first `load` of a workspace reads through,
 * later loads and every `save` or `clear` stay in memory, and `flush` writes the final state once.
 *
 * This is how the Worker keeps KV's limit of about one write per second per key no matter how many
 * messages a tick handles. If the tick dies before `flush`, the cursor is not advanced and the
 * messages of that tick come again (the handled-ids set in the saved state is from the tick before).
 */
export function createTickCursorBuffer(store: CursorStore): TickCursorBuffer {
  const entries = new Map<string, Entry>();
  const entryFor = async (workspaceId: string): Promise<Entry> => {
    let entry = entries.get(workspaceId);
    if (!entry) {
      const state = await store.load(workspaceId);
      entry = { loaded: serialise(state), current: state };
      entries.set(workspaceId, entry);
    }
    return entry;
  };
  return {
    name: `${store.name}+tick-buffer`,
    async load(workspaceId) {
      return copy((await entryFor(workspaceId)).current);
    },
    async save(workspaceId, state) {
      (await entryFor(workspaceId)).current = copy(state);
    },
    async clear(workspaceId) {
      (await entryFor(workspaceId)).current = null;
    },
    async flush() {
      let writes = 0;
      for (const [workspaceId, entry] of entries) {
        const now = serialise(entry.current);
        if (now === entry.loaded) continue;
        if (entry.current === null) await store.clear(workspaceId);
        else await store.save(workspaceId, entry.current);
        entry.loaded = now;
        writes++;
      }
      return writes;
    },
  };
}
