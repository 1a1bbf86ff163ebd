/**
 * `@molecule-ai/agent-core/a2a`: the A2A wire format. Message and task types, their valibot
 * schemas and parsers, JSON-RPC helpers, and the handler that answers an A2A `message/send`
 * request (what every push server serves).
 */

export {
  type A2AHandler,
  type A2AHandlerOptions,
  buildA2AReply,
  createA2AHandler,
  DEFAULT_MAX_PUSH_BODY_BYTES,
  type PushHandlerContext,
} from '../inbound/a2a-handler.js';
export { JSON_RPC_ERROR, jsonRpcError, jsonRpcResult } from '../inbound/json-rpc.js';
export {
  type A2AArtifact,
  type A2ADataPart,
  type A2AFile,
  type A2AFilePart,
  type A2AMessage,
  type A2AMetadata,
  type A2APart,
  type A2AResult,
  type A2ARole,
  type A2ATask,
  type A2ATextPart,
  a2aMessageSchema,
  a2aPartSchema,
  a2aTaskSchema,
  extractText,
  isJsonRpcFailure,
  type JsonRpcErrorObject,
  type JsonRpcFailure,
  type JsonRpcId,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type JsonRpcSuccess,
  jsonRpcErrorSchema,
  jsonRpcResponseSchema,
  type MessageSendParams,
  type MessageSendRequest,
  parseA2AResult,
  parseJsonRpcResponse,
} from '../schemas/a2a.js';
export {
  jsonRpcRequestSchema,
  messageSendParamsSchema,
  messageSendRequestSchema,
  parseMessageSendRequest,
} from '../schemas/a2a-request.js';
export type { Schema } from '../schemas/validate.js';
