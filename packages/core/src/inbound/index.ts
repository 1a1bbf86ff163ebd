export {
  type A2AHandler,
  type A2AHandlerOptions,
  type A2AReplyMessage,
  type A2ATextPart,
  buildA2AReply,
  createA2AHandler,
  DEFAULT_MAX_PUSH_BODY_BYTES,
  type PushHandlerContext,
} from './a2a-handler.js';
export { isRecord, optionalString, textOfParts } from './a2a-parts.js';
export { createCapabilityPath, normalisePath } from './capability-path.js';
export type { InboundDeliveryKind, InboundMessage, InboundSource } from './inbound-message.js';
export {
  JSON_RPC_ERROR,
  type JsonRpcErrorResponse,
  type JsonRpcId,
  type JsonRpcSuccessResponse,
  jsonRpcError,
  jsonRpcResult,
} from './json-rpc.js';
export {
  type HandlerContext,
  type HandlerResult,
  type MessageHandler,
  replyTextOf,
} from './message-handler.js';
export { isOwnNotifyRow, parseActivityRow } from './parse-activity-row.js';
export { type CappedBody, readCappedBody } from './read-capped-body.js';
