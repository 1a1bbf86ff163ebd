/**
 * The platform simulator on a real loopback listener, and a client wired to it with a recording
 * clock (sleeps return at once), r = 0.5 (no jitter), an in-memory token store and a recording logger.
 */
import {
  createPlatformSim,
  type PlatformSim,
  type PlatformSimOptions,
  type RecordedRequest,
} from '@molecule-ai/platform-sim';
import { startPlatformServer } from '@molecule-ai/platform-sim/node';
import { type AgentClient, type AgentClientOptions, createAgentClient } from '../../src/client/index.js';
import { createMemoryTokenStore, type MemoryTokenStore } from '../../src/testing/index.js';
import { halfRandom, type RecordingClock, recordingClock } from './clock.js';
import { recordingLogger } from './logger.js';

export interface SimFixture {
  sim: PlatformSim;
  url: string;
  close(): Promise<void>;
}

export async function startSim(options: PlatformSimOptions = {}): Promise<SimFixture> {
  const sim = createPlatformSim({ seed: 7, ...options });
  const server = await startPlatformServer(sim, { port: 0 });
  return { sim, url: server.url, close: () => server.close() };
}

export interface ClientFixture {
  client: AgentClient;
  store: MemoryTokenStore;
  clock: RecordingClock;
  logger: ReturnType<typeof recordingLogger>;
}

/** A client for `workspaceId` on `platformUrl`; `token` pre-loads the store. */
export function clientFor(
  platformUrl: string,
  workspaceId: string,
  options: Partial<AgentClientOptions> & { storedToken?: string } = {},
): ClientFixture {
  const { storedToken, ...rest } = options;
  const store = createMemoryTokenStore(storedToken ? { [workspaceId]: storedToken } : {});
  const clock = recordingClock();
  const logger = recordingLogger();
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

/** The last recorded request to `path` (decoded), optionally with `method`. */
export function lastRequest(sim: PlatformSim, path: string, method?: string): RecordedRequest | undefined {
  const matching = sim.requests.filter(
    (r) => r.path === path && (method === undefined || r.method === method),
  );
  return matching[matching.length - 1];
}
