import type { CursorState, CursorStore } from '../ports/cursor-store.js';

function copy(state: CursorState): CursorState {
  return { cursor: state.cursor, seen: [...state.seen] };
}

/** A {@link CursorStore} in memory. States are copied in and out, like a real store serialises them. */
export function createMemoryCursorStore(): CursorStore {
  const states = new Map<string, CursorState>();
  return {
    name: 'memory',
    async load(workspaceId) {
      const state = states.get(workspaceId);
      return state ? copy(state) : null;
    },
    async save(workspaceId, state) {
      states.set(workspaceId, copy(state));
    },
    async clear(workspaceId) {
      states.delete(workspaceId);
    },
  };
}
