import type { TokenStore } from '../ports/token-store.js';

/** A {@link TokenStore} in memory, with a way to look inside for tests. */
export interface MemoryTokenStore extends TokenStore {
  /** The saved tokens by workspace id (a copy). */
  snapshot(): Record<string, string>;
}

/**
 * A token store that forgets everything when the process ends: for tests, and for hosts that get
 * the token from their environment on every start (pass it as `token` too).
 */
export function createMemoryTokenStore(initial: Record<string, string> = {}): MemoryTokenStore {
  const tokens = new Map<string, string>(Object.entries(initial));
  return {
    name: 'memory',
    async load(workspaceId) {
      return tokens.get(workspaceId) ?? null;
    },
    async save(workspaceId, token) {
      tokens.set(workspaceId, token);
    },
    async clear(workspaceId) {
      tokens.delete(workspaceId);
    },
    describe: (workspaceId) => `memory (workspace ${workspaceId})`,
    snapshot: () => Object.fromEntries(tokens),
  };
}
