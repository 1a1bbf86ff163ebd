/** A set of recently handled ids that forgets the oldest beyond `limit`. */
export interface SeenSet {
  has(id: string): boolean;
  add(id: string): void;
  /** Oldest first, as saved in a `CursorState`. */
  toArray(): string[];
  readonly size: number;
}

/** Creates a {@link SeenSet}, optionally seeded (oldest first) from a saved cursor state. */
export function createSeenSet(limit: number, initial: readonly string[] = []): SeenSet {
  const ids = new Set<string>();
  const add = (id: string): void => {
    ids.delete(id);
    ids.add(id);
    while (ids.size > limit) {
      const oldest = ids.values().next().value as string;
      ids.delete(oldest);
    }
  };
  for (const id of initial) add(id);
  return {
    has: (id) => ids.has(id),
    add,
    toArray: () => [...ids],
    get size() {
      return ids.size;
    },
  };
}
