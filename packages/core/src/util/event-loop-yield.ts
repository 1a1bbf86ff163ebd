import type { Clock } from '../ports/clock.js';

/** Lets timers and I/O run: a macrotask, not a microtask (a resolved promise would not do). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Long synchronous-looking work (thousands of small archive entries already in memory, each step a
 * resolved promise) never gives timers and sockets a turn on its own: heartbeats and push answers
 * would wait until it ends. `tick()` returns a promise to await at a safe point, every `everySteps`
 * steps or as soon as `everyMs` have passed on `clock` since the last yield, else `undefined`.
 */
export function createEventLoopYielder(
  clock: Clock,
  options: { everySteps: number; everyMs: number },
): { tick(): Promise<void> | undefined } {
  let steps = 0;
  let since = clock.now();
  return {
    tick() {
      steps += 1;
      if (steps < options.everySteps && clock.now() - since < options.everyMs) return undefined;
      steps = 0;
      return yieldToEventLoop().then(() => {
        since = clock.now();
      });
    },
  };
}
