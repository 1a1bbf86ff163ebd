import { SELF } from 'cloudflare:test';
import { createFakeClock, type FakeClock } from '@molecule-ai/agent-core/testing';
import { createPlatformSim, type PlatformSim } from '@molecule-ai/platform-sim';

/**
 * The simulated platform, running in the same workerd isolate as the agent under test. The agent
 * reaches it through `platformFetch`; the simulator pushes A2A messages to the agent through the
 * Worker's real `fetch` entry point (SELF).
 */
// Sleeps (a retry's backoff) return at once and move the shared time forward; nothing else does.
export const clock: FakeClock = createFakeClock({
  start: Date.UTC(2026, 10, 25, 12, 0, 0),
  yieldToIo: false,
});

export const sim: PlatformSim = createPlatformSim({
  clock,
  seed: 7,
  rateLimit: false,
  allowPlaceholderUrl: true,
  pushFetch: (input, init) => SELF.fetch(new Request(input, init)),
});

/** The simulator as a `fetch` function (what the agent's `platformFetch` returns). */
export const simFetch: typeof fetch = (input, init) => sim.fetch(new Request(input, init));

export const PLATFORM_URL = 'http://platform.sim';
