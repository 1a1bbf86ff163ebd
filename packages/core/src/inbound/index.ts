/**
 * `@molecule-ai/agent-core/inbound`: how messages reach a handler. Poll delivery (the activity
 * feed), push delivery (a host's HTTP server), the dispatcher that runs the handler and routes its
 * reply, the pieces every push server shares, and the task report a heartbeat carries.
 */

export { constantTimeEqual } from '../util/constant-time-equal.js';
export { createCapabilityPath, normalisePath } from './capability-path.js';
export type { FeedMode } from './feed-order.js';
export { type FetchInboundOptions, fetchInbound } from './fetch-inbound.js';
export type { DeliveryRunOptions, DeliveryRunResult, InboundDelivery } from './inbound-delivery.js';
export type { InboundDeliveryKind, InboundMessage, InboundSource } from './inbound-message.js';
export {
  createMessageDispatcher,
  type DispatchOptions,
  type DispatchOutcome,
  type MessageDispatcher,
  type MessageDispatcherOptions,
} from './message-dispatcher.js';
export {
  type HandlerContext,
  type HandlerResult,
  type MessageHandler,
  replyTextOf,
} from './message-handler.js';
export { isOwnNotifyRow, parseActivityRow } from './parse-activity-row.js';
export {
  type ActivityFeedClient,
  createPollDelivery,
  type PollDelivery,
  type PollDeliveryOptions,
} from './poll-delivery.js';
export {
  createPushDelivery,
  type PushDelivery,
  type PushDeliveryOptions,
  type ServedPushDelivery,
  servePushDelivery,
} from './push-delivery.js';
export {
  createPushRequestGate,
  type PushRequestGate,
  type PushRequestRefusal,
} from './push-request-gate.js';
export {
  type FetchHandler,
  isLoopbackHost,
  PUSH_SERVER_DEFAULTS,
  type PushServer,
  type PushServerBaseOptions,
  pushServerHandler,
  pushServerListenError,
  pushServerMaxConcurrent,
  pushServerUrl,
} from './push-server.js';
export {
  type PeerReplyOptions,
  type ReplyOutcome,
  replyToMessage,
} from './reply-to-message.js';
export {
  CURRENT_TASK_MAX_CHARS,
  type NormaliseTaskReportOptions,
  normaliseTaskReport,
  type TaskReport,
  taskReportFromInFlight,
} from './task-report.js';
export {
  matchWorkspacePushPath,
  type WorkspacePushTarget,
  workspacePushPath,
} from './workspace-push-path.js';
