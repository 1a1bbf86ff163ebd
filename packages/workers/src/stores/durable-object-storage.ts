/**
 * The parts of a Durable Object's `ctx.storage` this package uses, declared structurally so that
 * users need not install `@cloudflare/workers-types`; the real `DurableObjectStorage` satisfies it.
 * Values are stored with structured clone (plain objects, arrays, strings), not as JSON text.
 */
export interface DurableObjectStorageLike {
  get<T = unknown>(key: string): Promise<T | undefined>;
  put<T>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** The scheduled alarm, epoch ms, or `null`. */
  getAlarm(): Promise<number | null>;
  /** Schedules the object's one alarm (replacing any earlier one) at `scheduledTime`, epoch ms. */
  setAlarm(scheduledTime: number | Date): Promise<void>;
  deleteAlarm(): Promise<void>;
  /**
   * Resolves once every earlier write is durable. A `put` resolves before its write is committed
   * (the runtime holds outgoing network messages until then, but an object that dies in between
   * loses the write); stores that promise durability wait for this.
   */
  sync?(): Promise<void>;
}

/** Options of the Durable Object stores. */
export interface DurableObjectStoreOptions {
  /** Prepended to the workspace id to form the storage key. */
  prefix?: string;
}
