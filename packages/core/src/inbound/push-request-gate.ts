/** Why {@link PushRequestGate.admit} turned a request away (the 503's error text). */
export type PushRequestRefusal = 'shutting down' | 'busy';

/**
 * The in-flight accounting of a push server, the same on every runtime: at most `maxConcurrent`
 * requests at once, none once stopping, and a stop that waits for the ones in flight.
 */
export interface PushRequestGate {
  /** Requests admitted and not yet released. */
  readonly inFlight: number;
  /** Counts a request in, or says why not (answer 503 with `Retry-After`); `null` = admitted. */
  admit(): PushRequestRefusal | null;
  /** Counts an admitted request out (in a `finally`). */
  release(): void;
  /**
   * Stops admitting and runs `close` once (later calls get the same promise). `close` shuts the
   * runtime's server down around `drain(timeoutMs)`, which resolves when nothing is in flight or
   * after `timeoutMs`, whichever comes first.
   */
  stop(close: (drain: (timeoutMs: number) => Promise<void>) => Promise<void>): Promise<void>;
}

/** Creates the {@link PushRequestGate} of one push server. */
export function createPushRequestGate(maxConcurrent: number): PushRequestGate {
  let inFlight = 0;
  let stopping: Promise<void> | null = null;
  let drained: (() => void) | null = null;

  async function drain(timeoutMs: number): Promise<void> {
    if (inFlight === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        drained = resolve;
      }),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  return {
    get inFlight() {
      return inFlight;
    },
    admit() {
      if (stopping) return 'shutting down';
      if (inFlight >= maxConcurrent) return 'busy';
      inFlight++;
      return null;
    },
    release() {
      inFlight--;
      if (inFlight === 0) drained?.();
    },
    stop(close) {
      stopping ??= close(drain);
      return stopping;
    },
  };
}
