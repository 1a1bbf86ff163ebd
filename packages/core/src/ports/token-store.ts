/**
 * Where the bearer token of a workspace lives between runs.
 *
 * The platform shows a token exactly once (on the first register), so a store that loses it
 * costs the user an admin round trip. Implementations must never leave a partial or empty
 * token behind: write-then-rename on disk, a single `put` on KV.
 */
export interface TokenStore {
  /** A short name for logs and errors, e.g. `file` or `kv`. */
  readonly name: string;
  /** The saved token, or `null` when none is saved. Never throws for "absent". */
  load(workspaceId: string): Promise<string | null>;
  /** Saves `token` (already trimmed and non-empty), replacing any previous one atomically. */
  save(workspaceId: string, token: string): Promise<void>;
  /** Forgets the token. Idempotent. */
  clear(workspaceId: string): Promise<void>;
  /** Where the token lives, for messages such as "delete <location> to re-register". Never the token itself. */
  describe?(workspaceId: string): string;
}
