/**
 * Persists the inbound poll position so a restarted agent neither loses nor re-handles messages.
 *
 * `seen` holds the ids of recently handled activity rows. Servers without a cursor return the
 * newest rows every time; the seen-set is what keeps a handled message from coming back.
 */
export interface CursorState {
  /** The id of the last handled activity row, or `null` before the first one. */
  cursor: string | null;
  /** Recently handled row ids, oldest first, bounded by the caller. */
  seen: string[];
}

export interface CursorStore {
  readonly name: string;
  load(workspaceId: string): Promise<CursorState | null>;
  /** Replaces the saved state atomically. */
  save(workspaceId: string, state: CursorState): Promise<void>;
  clear(workspaceId: string): Promise<void>;
}
