import { createNodeProcessRunner, startPushDelivery } from '@molecule-ai/agent-node';
import type { AgentRuntime } from './runtime.js';

/** Node: `node:http` push server, `child_process` setup runner. */
export const nodeRuntime: AgentRuntime = {
  name: 'node',
  startPushDelivery: (settings) => startPushDelivery(settings),
  createProcessRunner: () => createNodeProcessRunner(),
};
