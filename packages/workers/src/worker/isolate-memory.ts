import type { CursorState, CursorStore, TokenStore } from '@molecule-ai/agent-core';
import type { LoopState } from '@molecule-ai/agent-core/loops';

/**
 * What one isolate remembers of one workspace's agent between cron ticks (Workers reuse an isolate
 * for many events). KV stays the source of truth: every tick reads the loop state's key, and what
 * is remembered is used only while that key still holds the very text this isolate last read or
 * wrote. Every write by anyone else changes that text: another isolate's tick (it writes the loop
 * state whenever it writes the cursor, and its counter moves), `resume` (deletes it), a Durable
 * Object taking the agent over (deletes it along with writing the stop marker).
 */
export interface RememberedAgent {
  /** The loop state's KV text as last read or written here. */
  loopText: string;
  /** The state after this isolate's last tick, exact (KV may hold older due times that decide the same). */
  loop: LoopState;
  /**
   * The inbound cursor as KV holds it, `undefined` when not read here. Valid with `loopText`: a
   * tick that writes the cursor writes the loop state too.
   */
  cursor: CursorState | null | undefined;
  /**
   * The KV token as last read or saved here, `undefined` when not known. Dropped on a 401 (the token
   * may have been replaced or revoked: the next tick reads KV again) and whenever `loopText` changes.
   */
  token: string | undefined;
}

/** The isolate's memory: one entry per loop-state key (so per workspace and key prefix). */
export type IsolateMemory = Map<string, RememberedAgent>;

function copyCursor(state: CursorState | null): CursorState | null {
  return state === null ? null : { cursor: state.cursor, seen: [...state.seen] };
}

/**
 * The token store `store`, with `load` answered from `remembered.token` when known; loads and saves
 * fill it in.
 */
export function rememberingTokenStore(
  store: TokenStore,
  remembered: { token: string | undefined },
): TokenStore {
  return {
    ...store,
    async load(workspaceId) {
      if (remembered.token !== undefined) return remembered.token;
      const token = await store.load(workspaceId);
      remembered.token = token ?? undefined;
      return token;
    },
    async save(workspaceId, token) {
      await store.save(workspaceId, token);
      remembered.token = token;
    },
    async clear(workspaceId) {
      remembered.token = undefined;
      await store.clear(workspaceId);
    },
  };
}

/**
 * The cursor store `store`, with `load` answered from `remembered.cursor` when known; loads and
 * saves fill it in.
 */
export function rememberingCursorStore(
  store: CursorStore,
  remembered: { cursor: CursorState | null | undefined },
): CursorStore {
  return {
    name: store.name,
    async load(workspaceId) {
      if (remembered.cursor !== undefined) return copyCursor(remembered.cursor);
      const state = await store.load(workspaceId);
      remembered.cursor = copyCursor(state);
      return state;
    },
    async save(workspaceId, state) {
      await store.save(workspaceId, state);
      remembered.cursor = copyCursor(state);
    },
    async clear(workspaceId) {
      remembered.cursor = undefined;
      await store.clear(workspaceId);
      remembered.cursor = null;
    },
  };
}
