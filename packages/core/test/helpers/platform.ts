/**
 * The one simulator harness of the core's tests: the platform simulator on a real loopback
 * listener, clients wired to it (a fake clock whose sleeps return at once, r = 0.5 so no jitter,
 * an in-memory token store, a recording logger), registered agents for the loop tests, and small
 * helpers over the simulator's record.
 */
import {
  createPlatformSim,
  type PlatformSim,
  type PlatformSimOptions,
  type RecordedRequest,
} from '@molecule-ai/platform-sim';
import { startPlatformServer } from '@molecule-ai/platform-sim/node';
import { type AgentClient, type AgentClientOptions, createAgentClient } from '../../src/client/index.js';
import {
  createFakeClock,
  createMemoryTokenStore,
  createRecordingLogger,
  type FakeClock,
  type MemoryTokenStore,
  type RecordingLogger,
} from '../../src/testing/index.js';

/** The Python tests' `random.random = lambda: 0.5`: no jitter. */
export const halfRandom = (): number => 0.5;

/** What the loop tests run against: poll-only agents may register, and no rate limit. */
export const POLL_AGENTS: PlatformSimOptions = { allowPlaceholderUrl: true, rateLimit: false };

export interface SimHarness {
  sim: PlatformSim;
  url: string;
  close(): Promise<void>;
}

/** Starts a simulator on 127.0.0.1 (the platform's strict defaults unless `options` says otherwise). */
export async function startSim(options: PlatformSimOptions = {}): Promise<SimHarness> {
  const sim = createPlatformSim({ seed: 7, ...options });
  const server = await startPlatformServer(sim, { port: 0, host: '127.0.0.1' });
  return { sim, url: server.url, close: () => server.close() };
}

export interface ClientFixture {
  client: AgentClient;
  store: MemoryTokenStore;
  clock: FakeClock;
  logger: RecordingLogger;
}

/** A client for `workspaceId` on `platformUrl`; `storedToken` pre-loads the store. */
export function clientFor(
  platformUrl: string,
  workspaceId: string,
  options: Partial<AgentClientOptions> & { storedToken?: string } = {},
): ClientFixture {
  const { storedToken, ...rest } = options;
  const store = createMemoryTokenStore(storedToken ? { [workspaceId]: storedToken } : {});
  const clock = createFakeClock({ yieldToIo: false });
  const logger = createRecordingLogger();
  const client = createAgentClient({
    workspaceId,
    platformUrl,
    tokenStore: store,
    clock,
    random: halfRandom,
    logger,
    ...rest,
  });
  return { client, store, clock, logger };
}

/** An external workspace that already has a live token (like `POST /workspaces` without url). */
export async function workspaceWithToken(
  sim: PlatformSim,
  input: { parentId?: string; name?: string } = {},
): Promise<{ id: string; token: string }> {
  const { id, token } = await sim.admin.createWorkspace({ external: true, ...input });
  return { id, token: token ?? (await sim.admin.mintToken(id)) };
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
  const created = await harness.sim.admin.createWorkspace({ external: true, parentId, name });
  const token = created.token!;
  const client = createAgentClient({
    workspaceId: created.id,
    platformUrl: harness.url,
    tokenStore: createMemoryTokenStore({ [created.id]: token }),
    ...clientOptions,
  });
  await client.register();
  return { id: created.id, token, client };
}

/** The last recorded request to `path` (decoded), optionally with `method`. */
export function lastRequest(sim: PlatformSim, path: string, method?: string): RecordedRequest | undefined {
  const matching = sim.requests.filter(
    (r) => r.path === path && (method === undefined || r.method === method),
  );
  return matching[matching.length - 1];
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
