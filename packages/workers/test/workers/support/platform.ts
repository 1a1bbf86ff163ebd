import { SELF } from 'cloudflare:test';
import { createPlatformSim, type PlatformSim } from '@molecule-ai/platform-sim';
import { createManualClock, type ManualClock } from './test-clock.js';

/**
 * The simulated platform, running in the same workerd isolate as the agent under test. The agent
 * reaches it through `platformFetch`; the simulator pushes A2A messages to the agent through the
 * Worker's real `fetch` entry point (SELF).
 */
export const clock: ManualClock = createManualClock();

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
