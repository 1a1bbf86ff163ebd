import type { ProcessRunner } from '@molecule-ai/agent-core';
import type { NodePushDelivery } from '@molecule-ai/agent-node';

/** Where the push endpoint listens and how the platform reaches it. */
export interface PushSettings {
  /** The origin the platform uses, `{port}` replaced by the bound port, e.g. `http://localhost:{port}`. */
  publicOrigin?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

/**
 * The two things that differ between runtimes; everything else an agent does is
 * `@molecule-ai/agent-core` and runs unchanged on Node and Bun. An agent moves from one runtime
 * to the other by changing these imports (`@molecule-ai/agent-node` ↔ `@molecule-ai/agent-bun`).
 */
export interface AgentRuntime {
  readonly name: 'node' | 'bun';
  /** An HTTP server for pushed messages (node:http or Bun.serve), as a delivery for the agent loop. */
  startPushDelivery(settings: PushSettings): Promise<NodePushDelivery>;
  /** Runs a plugin's setup.sh (child_process or Bun.spawn). */
  createProcessRunner(): ProcessRunner;
}

/** The runtime this process is: Bun when `Bun` exists, else Node. */
export async function loadRuntime(): Promise<AgentRuntime> {
  if ('Bun' in globalThis) return (await import('./bun-runtime.js')).bunRuntime;
  return (await import('./node-runtime.js')).nodeRuntime;
}
