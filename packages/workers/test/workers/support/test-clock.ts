import type { Clock } from '@molecule-ai/agent-core';

/** A clock the test moves by hand, shared by the simulator and the agent. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function createManualClock(start: number = Date.UTC(2026, 10, 25, 12, 0, 0)): ManualClock {
  let now = start;
  return {
    now: () => now,
    sleep: async () => {},
    advance(ms) {
      now += ms;
    },
  };
}
