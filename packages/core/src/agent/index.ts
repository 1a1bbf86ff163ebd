/**
 * `@molecule-ai/agent-core/agent`: what a runtime package builds its `runAgent` and its CLI from.
 * The host port (`AgentHost`), the settings resolved from options over the `MOLECULE_*`
 * variables, the listen address and public URL parsers, the local workspace-id check, the
 * explanation of a register refusal, and `runAgentWithHost`, the runtime-neutral `runAgent`.
 * Agents call their runtime package's `runAgent` instead.
 */

export { PLACEHOLDER_REPORTED_URL } from '../client/options.js';
export {
  explainRegisterRefusal,
  LIBRARY_REFUSAL_WORDING,
  type RegisterRefusalWording,
} from '../client/register-refusal.js';
export { checkWorkspaceId } from '../client/workspace-id.js';
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
