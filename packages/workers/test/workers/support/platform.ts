import { SELF } from 'cloudflare:test';
import { createFakeClock, type FakeClock } from '@molecule-ai/agent-core/testing';
import { createPlatformSim, type PlatformSim } from '@molecule-ai/platform-sim';

/** A simulated platform with its own clock, as the tests of this package use it. */
export interface TestPlatform {
  /** Sleeps (a retry's backoff) return at once and move this time forward; nothing else does. */
  clock: FakeClock;
  sim: PlatformSim;
  /** The simulator as a `fetch` function (what an agent's `platformFetch` returns). */
  simFetch: typeof fetch;
}

/**
 * The one harness of this package: a simulated platform running in the same workerd isolate as
 * the agents under test. Agents reach it through `platformFetch`; it pushes A2A messages to them
 * through the Worker's real `fetch` entry point (SELF).
 */
export function createTestPlatform(options: { start: number; seed: number }): TestPlatform {
  const clock = createFakeClock({ start: options.start, yieldToIo: false });
  const sim = createPlatformSim({
    clock,
    seed: options.seed,
    rateLimit: false,
    allowPlaceholderUrl: true,
    pushFetch: (input, init) => SELF.fetch(new Request(input, init)),
  });
  return { clock, sim, simFetch: (input, init) => sim.fetch(new Request(input, init)) };
}

const cronAndPush: TestPlatform = createTestPlatform({ start: Date.UTC(2026, 10, 25, 12, 0, 0), seed: 7 });

/** The platform of the cron and push tests: its clock, simulator and fetch. */
export const clock: FakeClock = cronAndPush.clock;
export const sim: PlatformSim = cronAndPush.sim;
export const simFetch: typeof fetch = cronAndPush.simFetch;

export const PLATFORM_URL = 'http://platform.sim';
