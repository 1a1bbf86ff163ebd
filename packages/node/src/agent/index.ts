export { type AgentHostOptions, createAgentHost } from './agent-host.js';
export { createAgentClient, type RuntimeAgentClientOptions } from './create-agent-client.js';
export { runAgent } from './run-agent.js';
export { createStderrLogger, type StderrLoggerOptions } from './stderr-logger.js';
