import { createBunProcessRunner, startPushDelivery } from '@molecule-ai/agent-bun';
import type { AgentRuntime } from './runtime.js';

/** Bun: `Bun.serve` push server, `Bun.spawn` setup runner. */
export const bunRuntime: AgentRuntime = {
  name: 'bun',
  startPushDelivery: (settings) => startPushDelivery(settings),
  createProcessRunner: () => createBunProcessRunner(),
};
