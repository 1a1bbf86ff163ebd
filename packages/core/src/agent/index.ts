export { AGENT_ENV, type Environment, readEnv } from './agent-environment.js';
export type { AgentHost } from './agent-host.js';
export { type AgentSettings, parsePublicUrl, resolveAgentSettings } from './agent-settings.js';
export {
  type AgentConnectionOptions,
  type ClientSettings,
  resolveClientSettings,
} from './client-settings.js';
export { DEFAULT_LISTEN_HOST, type ListenAddress, parseListenAddress } from './listen-address.js';
export type { AgentEvent, AgentExit, AgentHandler, RunAgentOptions } from './run-agent-options.js';
export { runAgentWithHost } from './run-agent-with-host.js';
