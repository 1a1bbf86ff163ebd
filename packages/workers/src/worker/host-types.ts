/**
 * The parts of the Workers runtime's handler arguments this package uses, declared structurally so
 * users need not install `@cloudflare/workers-types` to type-check against it. The real
 * `ExecutionContext` and `ScheduledController` satisfy them.
 */

/** The third argument of `fetch` and `scheduled`. */
export interface ExecutionContextLike {
  /** Keeps the invocation alive until `promise` settles, after the response has been sent. */
  waitUntil(promise: Promise<unknown>): void;
}

/** The first argument of `scheduled`. */
export interface ScheduledControllerLike {
  /** When the cron trigger was due, epoch ms. */
  readonly scheduledTime: number;
  /** The cron expression that fired, e.g. `* * * * *`. */
  readonly cron: string;
}
