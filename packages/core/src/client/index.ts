export { apiErrorFromResponse, type FailedResponse } from '../http/api-error.js';
export { parseRetryAfter, parseRetryAfterValue } from '../http/retry-after.js';
export {
  type AttemptOutcome,
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  NO_RETRY_POLICY,
  type RetryInput,
  type RetryOption,
  type RetryPolicy,
  resolveRetryPolicy,
  retryDelay,
  WIDE_RETRY_POLICY,
} from '../http/retry-policy.js';
export * from '../schemas/index.js';
export * from '../util/index.js';
export type { OutgoingMessage } from './a2a-envelope.js';
export type { FetchActivityOptions, NotifyAttachment } from './activity.js';
export {
  type CallPeerOptions,
  type CallPeerResult,
  callPeer,
  type PeerQueued,
  type PeerReply,
  type SendMessageOptions,
  sendMessage,
} from './call-peer.js';
export { type AgentClient, createAgentClient } from './create-agent-client.js';
export type { DelegateOptions, DelegateResult } from './delegate.js';
export {
  type AgentClientOptions,
  DEFAULT_PEER_CACHE_TTL_MS,
  DEFAULT_TIMEOUTS,
  PLACEHOLDER_REPORTED_URL,
  type Timeouts,
} from './options.js';
export type { DiscoverOptions, GetPeersOptions, PeerInfo } from './peers.js';
export {
  explainRegisterRefusal,
  LIBRARY_REFUSAL_WORDING,
  type RegisterRefusalWording,
} from './register-refusal.js';
export type { CallOptions, HeartbeatReport, RegisterResult } from './registry.js';
export type { WorkspaceState } from './workspace.js';
export { checkWorkspaceId } from './workspace-id.js';
