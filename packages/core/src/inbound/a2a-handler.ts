import * as v from 'valibot';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';
import type { A2AMessage, JsonRpcId } from '../schemas/a2a.js';
import { jsonRpcRequestSchema, messageSendParamsSchema } from '../schemas/a2a-request.js';
import { optionalString, textOfParts } from './a2a-parts.js';
import { createCapabilityPath, normalisePath } from './capability-path.js';
import type { InboundMessage } from './inbound-message.js';
import { JSON_RPC_ERROR, jsonRpcError, jsonRpcResult, requestIdOf } from './json-rpc.js';
import { type HandlerContext, type MessageHandler, replyTextOf } from './message-handler.js';
import { readCappedBody } from './read-capped-body.js';

/** The default cap on a pushed request body: 1 MiB, the platform proxy's own limit. */
export const DEFAULT_MAX_PUSH_BODY_BYTES: number = 1024 * 1024;

/** The context a push handler receives. */
export interface PushHandlerContext extends HandlerContext {
  /** The HTTP request as received (headers are unauthenticated). */
  request: Request;
}

/** Options of {@link createA2AHandler}. */
export interface A2AHandlerOptions {
  /** Called once per `message/send`; its return value becomes the JSON-RPC result's text. */
  onMessage: MessageHandler<PushHandlerContext>;
  /**
   * The path to serve. Default: a fresh capability path `/a2a/<32 random chars>` (see
   * {@link createCapabilityPath}), because the platform pushes without credentials.
   * `<path>/a2a` is served too (the platform's MCP bridge appends `/a2a`).
   */
  path?: string | undefined;
  /** Bodies over this many bytes get 413. Default 1 MiB. */
  maxBodyBytes?: number | undefined;
  /** When this returns false, requests get 503 with `Retry-After` (e.g. while shutting down). */
  available?: () => boolean;
  logger?: Logger | undefined;
}

/** A standard fetch handler `(Request) => Promise<Response>` that serves the A2A endpoint. */
export interface A2AHandler {
  (request: Request): Promise<Response>;
  /** The registered path (give the platform `<origin><path>`). */
  readonly path: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

function rpcError(id: JsonRpcId, code: number, message: string, status = 200): Response {
  return json(jsonRpcError(id, code, message), status);
}

/**
 * Builds the A2A reply `Message` for an inbound one: `kind: "message"`, `role: "agent"`, a fresh
 * `messageId`, the text as one `kind: "text"` part (what the platform's delegation result
 * extraction reads; no part at all when there is no reply), the inbound `contextId`/`taskId`
 * carried back and `metadata.inReplyTo` naming the inbound `messageId`.
 */
export function buildA2AReply(
  inbound: Pick<InboundMessage, 'messageId' | 'contextId' | 'taskId'>,
  text: string | null,
): A2AMessage {
  const reply: A2AMessage = {
    kind: 'message',
    role: 'agent',
    messageId: crypto.randomUUID(),
    parts: text === null ? [] : [{ kind: 'text', text }],
  };
  if (inbound.contextId) reply.contextId = inbound.contextId;
  if (inbound.taskId) reply.taskId = inbound.taskId;
  if (inbound.messageId) reply.metadata = { inReplyTo: inbound.messageId };
  return reply;
}

type Parsed =
  | { ok: true; id: JsonRpcId; notification: boolean; message: InboundMessage }
  | { ok: false; response: Response };

const decoder = new TextDecoder('utf-8', { fatal: true });

function parseRequest(bytes: Uint8Array, request: Request): Parsed {
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(bytes));
  } catch {
    return { ok: false, response: rpcError(null, JSON_RPC_ERROR.parseError, 'Parse error') };
  }
  const id = requestIdOf(body);
  const envelope = v.safeParse(jsonRpcRequestSchema, body);
  // Batches (arrays) are not part of A2A and are refused like any other non-request.
  if (!envelope.success) {
    return { ok: false, response: rpcError(id, JSON_RPC_ERROR.invalidRequest, 'Invalid Request') };
  }
  if (envelope.output.method !== 'message/send') {
    return { ok: false, response: rpcError(id, JSON_RPC_ERROR.methodNotFound, 'Method not found') };
  }
  const params = v.safeParse(messageSendParamsSchema, envelope.output.params);
  if (!params.success) {
    return { ok: false, response: rpcError(id, JSON_RPC_ERROR.invalidParams, 'Invalid params') };
  }
  const message = params.output.message;
  // The MCP bridge names its caller in X-Workspace-ID; nothing verifies it.
  const caller = optionalString(request.headers.get('x-workspace-id'));
  return {
    ok: true,
    id,
    notification: !('id' in envelope.output) || envelope.output.id === undefined,
    message: {
      id: message.messageId,
      activityId: null,
      delivery: 'push',
      source: caller ? 'peer_agent' : 'unknown',
      sourceId: caller,
      text: textOfParts(message.parts),
      parts: message.parts,
      messageId: message.messageId,
      contextId: optionalString(message.contextId),
      taskId: optionalString(message.taskId),
      method: 'message/send',
      metadata: message.metadata ?? {},
      peerName: '',
      peerRole: '',
      agentCardUrl: '',
      createdAt: null,
      raw: body,
    },
  };
}

/**
 * The A2A JSON-RPC endpoint as a standard fetch handler, for any host (Node's push server, Bun,
 * a Worker). Serves `POST <path>` and `POST <path>/a2a`:
 *
 * - `message/send` with v0.3 `kind` parts or legacy `type` parts → calls `onMessage` and answers
 *   `{jsonrpc, id, result: Message}` (see {@link buildA2AReply});
 * - JSON-RPC errors with HTTP 200: -32700 bad JSON or UTF-8, -32600 not a JSON-RPC 2.0 request
 *   (batches included), -32601 other methods, -32602 no valid `params.message` (role, messageId,
 *   parts), -32603 when the handler throws (the exception text is logged, never sent);
 * - HTTP 413 over `maxBodyBytes` (counted while reading), 405 with `Allow: POST` for other methods
 *   on the path, 404 for other paths, 503 while `available()` is false.
 * A request without `id` (a JSON-RPC notification) is handled and answered with 204.
 */
export function createA2AHandler(options: A2AHandlerOptions): A2AHandler {
  const path = normalisePath(options.path ?? createCapabilityPath());
  const paths = new Set([path, path === '/' ? '/a2a' : `${path}/a2a`]);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_PUSH_BODY_BYTES;
  const logger = options.logger ?? silentLogger;

  const handler = async (request: Request): Promise<Response> => {
    const pathname = normalisePath(new URL(request.url).pathname);
    if (!paths.has(pathname)) {
      await request.body?.cancel().catch(() => {});
      return json({ error: 'not found' }, 404);
    }
    if (request.method !== 'POST') {
      await request.body?.cancel().catch(() => {});
      return json({ error: 'method not allowed' }, 405, { allow: 'POST' });
    }
    if (options.available && !options.available()) {
      await request.body?.cancel().catch(() => {});
      return json({ error: 'agent not accepting messages' }, 503, { 'retry-after': '1' });
    }
    const body = await readCappedBody(request, maxBodyBytes);
    if (!body.ok) {
      return rpcError(null, JSON_RPC_ERROR.invalidRequest, 'Request body too large', 413);
    }
    const parsed = parseRequest(body.bytes, request);
    if (!parsed.ok) return parsed.response;

    let text: string | null;
    try {
      text = replyTextOf(await options.onMessage(parsed.message, { request, signal: request.signal }));
    } catch (error) {
      logger.error('push handler failed', { messageId: parsed.message.id, error });
      return rpcError(parsed.id, JSON_RPC_ERROR.internalError, 'Internal error');
    }
    if (parsed.notification) return new Response(null, { status: 204 });
    return json(jsonRpcResult(parsed.id, buildA2AReply(parsed.message, text)));
  };
  return Object.assign(handler, { path });
}
