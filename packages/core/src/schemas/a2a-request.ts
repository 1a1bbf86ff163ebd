/**
 * The JSON-RPC requests an agent receives (pushed by the platform, or sent by a peer). Kept apart
 * from the response shapes in `a2a.ts` so that a client, which only sends requests, does not carry
 * these schemas.
 */
import * as v from 'valibot';
import {
  a2aMessageSchema,
  type JsonRpcRequest,
  jsonRpcIdSchema,
  type MessageSendParams,
  type MessageSendRequest,
} from './a2a.js';
import { anyJsonObject, jsonObject } from './json-object.js';
import { parseOrThrow, type Schema } from './validate.js';

const metadata = v.optional(anyJsonObject);

/** A JSON-RPC 2.0 request of any method. */
export const jsonRpcRequestSchema: Schema<JsonRpcRequest> = jsonObject({
  jsonrpc: v.literal('2.0'),
  id: v.optional(jsonRpcIdSchema),
  method: v.string(),
  params: v.optional(v.unknown()),
});

/** The params of `message/send`. */
export const messageSendParamsSchema: Schema<MessageSendParams> = jsonObject({
  message: a2aMessageSchema,
  configuration: metadata,
  metadata,
});

/** A `message/send` request (what the platform pushes to an agent, and what callPeer sends). */
export const messageSendRequestSchema: Schema<MessageSendRequest> = jsonObject({
  jsonrpc: v.literal('2.0'),
  id: v.optional(jsonRpcIdSchema),
  method: v.literal('message/send'),
  params: messageSendParamsSchema,
});

/** Parses a `message/send` request or throws InvalidResponseError naming `source`. */
export function parseMessageSendRequest(value: unknown, source: string): MessageSendRequest {
  return parseOrThrow(messageSendRequestSchema, value, source);
}
