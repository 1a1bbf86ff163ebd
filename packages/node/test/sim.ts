/**
 * The one simulator harness of the Node tests (library, CLI and reliability suites alike): the
 * platform simulator on a real port, and registered agents with the real client.
 */
import { type AgentClient, type AgentClientOptions, createAgentClient } from '@molecule-ai/agent-core';
import { createMemoryTokenStore } from '@molecule-ai/agent-core/testing';
import { createPlatformSim, type PlatformSim, type PlatformSimOptions } from '@molecule-ai/platform-sim';
import { startPlatformServer } from '@molecule-ai/platform-sim/node';
import { sharedHttpTransport } from '../src/http/undici-transport.js';

export interface SimHarness {
  sim: PlatformSim;
  url: string;
  close(): Promise<void>;
}

/** A simulator that accepts poll-only agents, without rate limit. */
export async function startSim(options: PlatformSimOptions = {}): Promise<SimHarness> {
  const sim = createPlatformSim({ allowPlaceholderUrl: true, rateLimit: false, ...options });
  const server = await startPlatformServer(sim, { port: 0, host: '127.0.0.1' });
  return { sim, url: server.url, close: () => server.close() };
}

export interface Agent {
  id: string;
  token: string;
  client: AgentClient;
}

/**
 * An external workspace (its token minted at creation) and a client for it, registered with
 * `reportedUrl` (default: the poll-only placeholder) unless `register` is false.
 */
export async function createAgent(
  harness: SimHarness,
  options: Partial<AgentClientOptions> & { register?: boolean; parentId?: string } = {},
): Promise<Agent> {
  const { register = true, parentId, ...clientOptions } = options;
  const created = await harness.sim.admin.createWorkspace({ external: true, parentId });
  const token = created.token!;
  const client = createAgentClient({
    workspaceId: created.id,
    platformUrl: harness.url,
    tokenStore: createMemoryTokenStore({ [created.id]: token }),
    // Node's default transport unless the test brings its own fetch (e.g. a virtual clock's).
    transport: clientOptions.fetch === undefined ? sharedHttpTransport() : undefined,
    ...clientOptions,
  });
  if (register) await client.register();
  return { id: created.id, token, client };
}

/** Sends canvas messages `prefix-0 …` one after another. */
export async function sendCanvasMessages(
  sim: PlatformSim,
  id: string,
  count: number,
  prefix = 'msg',
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const result = await sim.admin.sendCanvasMessage(id, `${prefix}-${i}`);
    if (result.status >= 300) throw new Error(`canvas message failed with ${result.status}`);
  }
}

/** Waits (polling every 5 ms of real time, at most `attempts` times) until `condition()` holds. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what = 'condition',
  attempts = 4_000,
): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${what} not reached`);
}
