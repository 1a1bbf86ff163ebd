export type {
  AgentClient,
  AgentEvent,
  AgentExit,
  AgentHandler,
  InboundMessage,
  Logger,
  RunAgentOptions,
} from '@molecule-ai/agent-core';
export * from './agent/index.js';
export * from './http/index.js';
export * from './loops/index.js';
export * from './plugins/index.js';
export * from './push/index.js';
export * from './stores/index.js';
