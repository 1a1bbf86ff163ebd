import type { ProcessRunner } from '@molecule-ai/agent-core';
import type { FetchHandler, PushServer } from '@molecule-ai/agent-node';

/** What the push server needs to know. */
export interface PushServerSettings {
  handler: FetchHandler;
  /** How the platform reaches the server, `{port}` replaced by the bound port. */
  publicOrigin?: string;
  port?: number;
}

/**
 * The few things that differ between runtimes. Everything else an agent does is
 * `@molecule-ai/agent-core` and runs unchanged on Node and Bun: an agent moves between the two
 * by changing these imports (`@molecule-ai/agent-node` ↔ `@molecule-ai/agent-bun`).
 */
export interface AgentRuntime {
  readonly name: 'node' | 'bun';
  startPushServer(settings: PushServerSettings): Promise<PushServer>;
  /** Runs a plugin's setup.sh. */
  createProcessRunner(): ProcessRunner;
}

/** The runtime this process is: Bun when `Bun` exists, else Node. */
export async function loadRuntime(): Promise<AgentRuntime> {
  if ('Bun' in globalThis) return (await import('./bun-runtime.js')).bunRuntime;
  return (await import('./node-runtime.js')).nodeRuntime;
}
