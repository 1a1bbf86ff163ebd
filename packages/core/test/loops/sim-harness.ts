/**
 * A real platform simulator on a real port, and agents connected to it with the real client.
 */
import { createPlatformSim, type PlatformSim, type PlatformSimOptions } from '@molecule-ai/platform-sim';
import { startPlatformServer } from '@molecule-ai/platform-sim/node';
import { type AgentClient, type AgentClientOptions, createAgentClient } from '../../src/client/index.js';
import type { Clock } from '../../src/ports/clock.js';
import { createMemoryTokenStore } from '../../src/testing/index.js';

export interface SimHarness {
  sim: PlatformSim;
  url: string;
  close(): Promise<void>;
}

/** Starts a simulator (poll-only agents allowed) on 127.0.0.1. */
export async function startSim(options: PlatformSimOptions = {}): Promise<SimHarness> {
  const sim = createPlatformSim({ allowPlaceholderUrl: true, rateLimit: false, ...options });
  const server = await startPlatformServer(sim, { port: 0, host: '127.0.0.1' });
  return { sim, url: server.url, close: () => server.close() };
}

export interface ConnectedAgent {
  id: string;
  token: string;
  client: AgentClient;
}

/**
 * Creates an external workspace (token minted at creation), and a client registered with the
 * poll placeholder URL or the given `reportedUrl`.
 */
export async function connectAgent(
  harness: SimHarness,
  options: Partial<AgentClientOptions> & { parentId?: string; name?: string } = {},
): Promise<ConnectedAgent> {
  const { parentId, name, ...clientOptions } = options;
  const created = await harness.sim.admin.createWorkspace({
    external: true,
    ...(parentId ? { parentId } : {}),
    ...(name ? { name } : {}),
  });
  const token = created.token!;
  const tokenStore = createMemoryTokenStore({ [created.id]: token });
  const client = createAgentClient({
    workspaceId: created.id,
    platformUrl: harness.url,
    tokenStore,
    ...clientOptions,
  });
  await client.register();
  return { id: created.id, token, client };
}

/**
 * A clock for loops: sleeps are recorded, let real I/O run (one macrotask), then move `now`
 * forward; `onSleep` runs before each sleep returns (e.g. to pause the workspace mid-loop).
 */
export interface SteppingClock extends Clock {
  /** Every sleep asked for, in ms. */
  sleeps: number[];
  /** The sleeps that ran to the end (not woken early by their signal). */
  completed: number[];
  onSleep?: (ms: number, index: number) => void | Promise<void>;
}

export function steppingClock(start = 1_700_000_000_000): SteppingClock {
  let now = start;
  const clock: SteppingClock = {
    sleeps: [],
    completed: [],
    now: () => now,
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      clock.sleeps.push(ms);
      await clock.onSleep?.(ms, clock.sleeps.length - 1);
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (signal?.aborted) throw signal.reason;
      clock.completed.push(ms);
      now += ms;
    },
  };
  return clock;
}

/** Requests the simulator saw for `method path` (path with `:id` already substituted). */
export function countRequests(sim: PlatformSim, method: string, path: string): number {
  return sim.requests.filter((r) => r.method === method && r.path === path).length;
}

/** Sends `count` canvas messages `prefix-0 …` to the workspace (parked as activity rows). */
export async function sendCanvasMessages(
  sim: PlatformSim,
  id: string,
  count: number,
  prefix = 'msg',
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const result = await sim.admin.sendCanvasMessage(id, `${prefix}-${i}`);
    if (result.status >= 300) throw new Error(`canvas message failed: ${result.status}`);
  }
}

/** Resolves when `condition()` holds, checking after each macrotask (gives up after `rounds`). */
export async function until(condition: () => boolean, rounds = 2_000): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error('condition not reached');
}
