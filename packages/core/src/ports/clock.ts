/** Time, injected so that loops and backoff are tested without fake timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * The longest delay one host timer takes (2^31-1 ms, about 24.8 days): Node, Bun and browsers fire
 * a longer `setTimeout` at once, which would turn a long sleep into a busy loop.
 */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * The clock of the host: `Date.now()` and an abortable `setTimeout`. A sleep longer than one host
 * timer allows waits in chunks of at most 2^31-1 ms (the longest host timer); `Infinity` waits until the
 * signal aborts; NaN and negative delays are zero.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      let remaining = Number.isNaN(ms) ? 0 : Math.max(ms, 0);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const next = (): void => {
        if (remaining <= MAX_TIMER_DELAY_MS) {
          timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          }, remaining);
          return;
        }
        remaining -= MAX_TIMER_DELAY_MS;
        timer = setTimeout(next, MAX_TIMER_DELAY_MS);
      };
      next();
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export const systemRandom: Random = () => Math.random();
