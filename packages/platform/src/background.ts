/**
 * Work the server does after answering (delegations, queue drains, activity writes in
 * goroutines). Tracked so tests can wait for it with `sim.settle()`.
 */
export class BackgroundTasks {
  private readonly pending = new Set<Promise<unknown>>();
  private readonly errors: unknown[] = [];

  /**
   * Starts a task; failures are kept for {@link settle} and never reject the caller.
   * `waitUntil` (a Worker's `ctx.waitUntil`) keeps the runtime alive until the task ends.
   */
  run(task: () => Promise<unknown>, waitUntil?: (promise: Promise<unknown>) => void): void {
    // The task's rejection is handled where it happens (`await`): a `.then(task).catch()` chain
    // leaves it unhandled for a microtask, which workerd reports as an unhandled rejection.
    const guarded = async (): Promise<void> => {
      try {
        await task();
      } catch (e) {
        this.errors.push(e);
      }
    };
    const p = Promise.resolve()
      .then(guarded)
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
    waitUntil?.(p);
  }

  /**
   * Resolves once every task, including tasks started while waiting, has finished. Rejects with
   * the first unexpected error a task threw since the last call (that would be a simulator bug).
   */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    const [first] = this.errors.splice(0);
    if (first !== undefined) throw first;
  }
}

/**
 * The server resets an in-flight dispatch's idle timer on every event broadcast for the target
 * workspace (its heartbeats included). This is that event bus, reduced to what matters here.
 */
export class WorkspaceEvents {
  private readonly listeners = new Map<string, Set<() => void>>();

  /** Subscribes to events of one workspace; returns the unsubscribe function. */
  subscribe(workspaceId: string, fn: () => void): () => void {
    let set = this.listeners.get(workspaceId);
    if (!set) {
      set = new Set();
      this.listeners.set(workspaceId, set);
    }
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Broadcasts an event for one workspace. */
  emit(workspaceId: string): void {
    for (const fn of this.listeners.get(workspaceId) ?? []) fn();
  }
}
