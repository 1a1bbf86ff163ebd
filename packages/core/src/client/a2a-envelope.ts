import { ConfigError } from '../errors.js';
import type { A2APart, A2ARole, JsonRpcRequest } from '../schemas/a2a.js';

/** What to send: plain text, or parts with optional A2A message fields. */
export type OutgoingMessage =
  | string
  | {
      parts: string | A2APart[];
      role?: A2ARole;
      /** Reuse an id (e.g. to resend the same message); default a fresh UUID. */
      messageId?: string | undefined;
      contextId?: string | undefined;
      taskId?: string | undefined;
      referenceTaskIds?: string[];
      metadata?: Record<string, unknown> | undefined;
    };

/** A built `message/send` request and the message id it carries. */
export interface BuiltMessage {
  messageId: string;
  request: JsonRpcRequest;
}

function toParts(content: string | A2APart[]): A2APart[] {
  if (typeof content === 'string') {
    if (content.trim() === '') throw new ConfigError('message text must be non-empty');
    return [{ kind: 'text', text: content }];
  }
  if (!Array.isArray(content) || content.length === 0)
    throw new ConfigError('message parts must be a non-empty array');
  return content;
}

/**
 * Builds a JSON-RPC 2.0 `message/send` request with an A2A v0.3 Message (`kind: "message"`,
 * `kind: "text"` parts) and fresh UUIDs for the request and the message. Throws ConfigError, before
 * any I/O, for blank text or empty parts.
 */
export function buildMessageSend(message: OutgoingMessage, defaultRole: A2ARole): BuiltMessage {
  const input = typeof message === 'string' ? { parts: message } : message;
  const messageId = input.messageId ?? crypto.randomUUID();
  const a2a: Record<string, unknown> = {
    kind: 'message',
    role: input.role ?? defaultRole,
    messageId,
    parts: toParts(input.parts),
  };
  if (input.contextId !== undefined) a2a.contextId = input.contextId;
  if (input.taskId !== undefined) a2a.taskId = input.taskId;
  if (input.referenceTaskIds !== undefined) a2a.referenceTaskIds = input.referenceTaskIds;
  if (input.metadata !== undefined) a2a.metadata = input.metadata;
  return {
    messageId,
    request: { jsonrpc: '2.0', id: crypto.randomUUID(), method: 'message/send', params: { message: a2a } },
  };
}
