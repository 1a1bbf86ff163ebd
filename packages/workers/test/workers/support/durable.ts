import type { FakeClock } from '@molecule-ai/agent-core/testing';
import type { PlatformSim, RecordedRequest } from '@molecule-ai/platform-sim';
import type { AgentTickReport } from '../../../src/index.js';
import { createTestPlatform, type TestPlatform } from './platform.js';

/**
 * The platform of the Durable Object tests, in the same workerd isolate as the objects.
 *
 * Its clock (shared with the agents) starts far in the future: the objects schedule their alarms
 * on it, so no alarm ever fires on its own during a test; the tests fire them one at a time with
 * `runDurableObjectAlarm`.
 */
const durable: TestPlatform = createTestPlatform({ start: Date.UTC(2100, 0, 1), seed: 11 });
export const durableClock: FakeClock = durable.clock;
export const durableSim: PlatformSim = durable.sim;
/** The simulator as a `fetch` function (what the agents' `platformFetch` returns). */
export const durableSimFetch: typeof fetch = durable.simFetch;

/** The KV key that lists the workspaces the test Worker serves (its multi-agent configuration). */
export const WORKSPACES_KEY = 'durable:workspaces';

/** What the objects' handlers saw, in order, by workspace. */
export const handled: { workspaceId: string; text: string; delivery: string }[] = [];

/** Every alarm's report, in order. */
export const alarmReports: AgentTickReport[] = [];

/**
 * Texts on which the handler crashes its object (`ctx.abort()`, as an eviction or an exception
 * in the runtime would), once each, after the handler did its work and before the delivery could
 * record the message as handled.
 */
export const crashOn: Set<string> = new Set();

/** Requests the simulator received for one workspace (see support/poll-agent.ts). */
export function durableRequestsFor(workspaceId: string, method: string, path: string): RecordedRequest[] {
  const wanted = path.replace(':id', workspaceId);
  return durableSim.requests.filter((r) => {
    if (r.method !== method || r.path !== wanted) return false;
    if (path.includes(':id')) return true;
    const body = r.json as { id?: unknown; workspace_id?: unknown } | undefined;
    return body?.id === workspaceId || body?.workspace_id === workspaceId;
  });
}
