// The stderr logger is a plain Node API Bun runs exactly; it is re-exported, not copied.
export {
  type AgentHostOptions,
  createStderrLogger,
  type RuntimeAgentClientOptions,
  type StderrLoggerOptions,
} from '@molecule-ai/agent-node';
export { createAgentClient } from './create-agent-client.js';
export { createAgentHost, runAgent } from './run-agent.js';
