/**
 * `@molecule-ai/agent-core`: what a client user needs. The agent client, its options and results,
 * peer calls (`callPeer`, `sendMessage`), the error classes, and `replyToMessage`. The building
 * blocks (loops, inbound delivery, the plugin pipeline, the A2A wire format, the ports, test
 * helpers) live on the documented subpaths `/loops`, `/inbound`, `/plugins`, `/a2a`, `/ports` and
 * `/testing`.
 */

export type { OutgoingMessage } from './client/a2a-envelope.js';
export type { FetchActivityOptions, NotifyAttachment } from './client/activity.js';
export {
  type CallPeerOptions,
  type CallPeerResult,
  callPeer,
  type PeerQueued,
  type PeerReply,
  type SendMessageOptions,
  sendMessage,
} from './client/call-peer.js';
export { type AgentClient, createAgentClient } from './client/create-agent-client.js';
export type { DelegateOptions, DelegateResult } from './client/delegate.js';
export type { AgentClientOptions, Timeouts } from './client/options.js';
export type { DiscoverOptions, GetPeersOptions, PeerInfo } from './client/peers.js';
export type { CallOptions, HeartbeatReport, RegisterResult } from './client/registry.js';
export type { WorkspaceState } from './client/workspace.js';
export {
  AbortError,
  ApiError,
  type ApiErrorInit,
  AuthenticationError,
  BadRequestError,
  ConfigError,
  ConflictError,
  ConnectionError,
  CursorLostError,
  IntegrityError,
  InvalidResponseError,
  isMoleculeError,
  MoleculeError,
  type MoleculeErrorOptions,
  NotFoundError,
  PayloadTooLargeError,
  PeerBusyError,
  PeerRejectedError,
  type PeerRoute,
  PeerUnreachableError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
  TokenLostError,
  UnprocessableEntityError,
  UnsafeArchiveError,
  UnsupportedError,
} from './errors.js';
export type { RetryOption, RetryPolicy } from './http/retry-policy.js';
export type { InboundDeliveryKind, InboundMessage, InboundSource } from './inbound/inbound-message.js';
export type { HandlerContext, HandlerResult, MessageHandler } from './inbound/message-handler.js';
export {
  type PeerReplyOptions,
  type ReplyOutcome,
  replyToMessage,
} from './inbound/reply-to-message.js';
export type { Clock, Random } from './ports/clock.js';
export type { CursorState, CursorStore } from './ports/cursor-store.js';
export type { HttpTransport } from './ports/http-transport.js';
export type { Logger, LogLevel } from './ports/logger.js';
export type { TokenStore } from './ports/token-store.js';
export type { A2AMessage, A2APart, A2AResult, A2ATask } from './schemas/a2a.js';
export { extractText } from './schemas/a2a.js';
export type { ActivityRow } from './schemas/platform.js';
export { redact } from './util/redact.js';
