// The runtime createAgentClient and the stderr logger are plain Node APIs Bun runs exactly; they
// are re-exported, not copied.
export {
  type AgentHostOptions,
  createAgentClient,
  createStderrLogger,
  type RuntimeAgentClientOptions,
  type StderrLoggerOptions,
} from '@molecule-ai/agent-node';
export { createAgentHost, runAgent } from './run-agent.js';
