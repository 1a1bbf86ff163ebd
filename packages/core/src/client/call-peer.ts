import * as v from 'valibot';
import {
  AbortError,
  ConnectionError,
  MoleculeError,
  PeerBusyError,
  PeerRejectedError,
  type PeerRoute,
  PeerUnreachableError,
  TimeoutError,
} from '../errors.js';
import { HEADER } from '../http/headers.js';
import { certainlyNotSent } from '../http/network-error.js';
import { type HttpResponse, requireJsonBody, sendRequest } from '../http/request.js';
import { cappedRetryAfter, MAX_RETRY_AFTER_MS, rawRetryAfter } from '../http/retry-after.js';
import { apiPath, encodeSegment, parsePeerUrl, shownPeerPath } from '../http/url.js';
import {
  type A2APart,
  type A2AResult,
  extractText,
  isJsonRpcFailure,
  type JsonRpcRequest,
  type JsonRpcSuccess,
  parseA2AResult,
  parseJsonRpcResponse,
  textsOf,
} from '../schemas/a2a.js';
import { jsonObject } from '../schemas/json-object.js';
import { queuedBodySchema } from '../schemas/platform.js';
import { parseOrUndefined } from '../schemas/validate.js';
import { buildMessageSend, type OutgoingMessage } from './a2a-envelope.js';
import { withClientContext } from './client-context.js';
import { type ClientContext, callPlatform, type PlatformCall, throwForStatus } from './context.js';
import type { AgentClient } from './create-agent-client.js';
import { discoverPeer } from './peers.js';

/** The peer answered. */
export interface PeerReply {
  status: 'completed';
  route: PeerRoute;
  messageId: string;
  /**
   * How the peer answered: a JSON-RPC response (A2A), or the Python SDK `A2AServer`'s
   * `{"status": "ok", "result": ...}`.
   */
  envelope: 'json-rpc' | 'python-a2a-server';
  /** The JSON-RPC response; for a Python `A2AServer` answer, one built around its `result`. */
  response: JsonRpcSuccess;
  /** `response.result` classified as a Message, a Task or something else. */
  result: A2AResult;
  /** The text parts of the result, joined by newlines (`""` when none). */
  text: string;
}

/** The proxy accepted the message but the peer was busy: it waits in the platform's queue. */
export interface PeerQueued {
  status: 'queued';
  route: 'proxy';
  messageId: string;
  queueId: string;
  queueDepth: number | undefined;
  /** The caller will never receive the eventual answer through this call. */
  message: string | undefined;
}

export type CallPeerResult = PeerReply | PeerQueued;

export interface CallPeerOptions {
  /** Try the peer's own URL first (default true). */
  preferDirect?: boolean;
  signal?: AbortSignal;
  /** Per-attempt time limit; default the `peer` timeout (30 s). */
  timeoutMs?: number;
}

export interface SendMessageOptions {
  role?: 'user' | 'agent';
  metadata?: Record<string, unknown> | undefined;
  contextId?: string | undefined;
  taskId?: string | undefined;
  messageId?: string | undefined;
  signal?: AbortSignal;
  timeoutMs?: number;
}

const NOT_RESENT = 'not resent, as it may have been delivered';

/** The direct call proved the peer never processed the message: try elsewhere. */
interface NotProcessed {
  notProcessed: string;
}

/**
 * Direct answers that prove nothing there processed the message: no such path (a restarted peer's
 * new capability path), method not allowed, gone, misdirected. Resending cannot duplicate it.
 */
const NOT_PROCESSED_STATUSES: ReadonlySet<number> = new Set([404, 405, 410, 421]);

/**
 * Through the proxy a peer's error status comes back as `{"error": <the peer's words>}`, which looks
 * like the platform's own errors (`{"error": "lookup failed"}`, ...). Only the Python SDK
 * `A2AServer`'s error wording is recognised as the peer's: `internal error: ...` (its handler
 * raised), `bad request: ...` and `not found`. Anything else keeps its typed `ApiError`.
 */
function isPythonServerError(message: string): boolean {
  return (
    message.startsWith('internal error: ') || message.startsWith('bad request: ') || message === 'not found'
  );
}

/** The Python SDK `A2AServer`'s success envelope. */
const pythonOkEnvelope = jsonObject({ status: v.literal('ok'), result: v.unknown() });
/** The Python SDK `A2AServer`'s (and the proxy's relayed) error envelope: exactly `{"error": "..."}`. */
const errorEnvelope = v.pipe(
  jsonObject({ error: v.string() }),
  v.check((body) => Object.keys(body).length === 1),
);

function textOfPythonResult(result: unknown): string {
  if (typeof result === 'string') return result;
  if (result === null || result === undefined) return '';
  const parts = (result as { parts?: unknown }).parts;
  // Python handlers build parts by hand; a part with a string `text` and no kind counts as text.
  return Array.isArray(parts) ? textsOf(parts, true).join('\n') : (JSON.stringify(result) ?? '');
}

/** A peer's own `{"error": "..."}` answer as PeerRejectedError carrying its words. */
function peerErrorEnvelope(
  targetId: string,
  route: PeerRoute,
  status: number,
  peerError: string,
): PeerRejectedError {
  return new PeerRejectedError(
    `peer ${targetId} refused the message (HTTP ${status}${route === 'proxy' ? ', through the platform' : ''}): ${peerError.slice(0, 200)}`,
    { targetId, route, httpStatus: status, peerError },
  );
}

const proxyErrorBody = jsonObject({
  error: v.optional(v.string()),
  busy: v.optional(v.boolean()),
  waking: v.optional(v.boolean()),
  retry_after: v.optional(v.number()),
  delivery_confirmed: v.optional(v.boolean()),
});

/**
 * Reads a peer's 2xx answer: a JSON-RPC result, PeerRejectedError for a JSON-RPC `error` object,
 * or the Python `A2AServer` envelope (`{"status": "ok", "result": R}`, or `{"error": "..."}`).
 */
function interpret(
  response: HttpResponse,
  targetId: string,
  route: PeerRoute,
  messageId: string,
  source: string,
  requestId: JsonRpcRequest['id'],
): PeerReply {
  const body = requireJsonBody(response, source);
  if (typeof body === 'object' && body !== null && !('jsonrpc' in body)) {
    const python = parseOrUndefined(pythonOkEnvelope, body);
    if (python) {
      return {
        status: 'completed',
        route,
        messageId,
        envelope: 'python-a2a-server',
        response: { jsonrpc: '2.0', id: requestId ?? null, result: python.result },
        result: { kind: 'other', value: python.result },
        text: textOfPythonResult(python.result),
      };
    }
    const refused = parseOrUndefined(errorEnvelope, body);
    if (refused) throw peerErrorEnvelope(targetId, route, response.status, refused.error);
  }
  const rpc = parseJsonRpcResponse(body, source);
  if (isJsonRpcFailure(rpc)) {
    const { code, message, data } = rpc.error;
    throw new PeerRejectedError(
      `peer ${targetId} rejected the message: JSON-RPC error ${code}: ${message.slice(0, 200)}`,
      {
        targetId,
        route,
        httpStatus: response.status,
        rpcCode: code,
        rpcMessage: message,
        rpcData: data,
      },
    );
  }
  return {
    status: 'completed',
    route,
    messageId,
    envelope: 'json-rpc',
    response: rpc as JsonRpcSuccess,
    result: parseA2AResult(rpc.result),
    text: extractText(rpc.result),
  };
}

/**
 * One POST to the peer's own URL: no platform bearer, no Origin, no org header, redirects not
 * followed, never retried. Returns `{notProcessed}` only when the answer proves the message was
 * not processed there: the request never left (connection refused, DNS failure, unusable URL) or
 * the peer answered 404, 405, 410 or 421.
 */
async function callDirect(
  ctx: ClientContext,
  targetId: string,
  rawUrl: string,
  request: JsonRpcRequest,
  messageId: string,
  options: CallPeerOptions,
): Promise<PeerReply | NotProcessed> {
  const url = parsePeerUrl(rawUrl);
  if (!url) return { notProcessed: 'its URL cannot be called' };
  // The path (and a query, if any) is the peer's capability: errors and logs get only its start,
  // and the whole value is scrubbed should the peer echo it back.
  const shownPath = shownPeerPath(url.pathname);
  ctx.secrets.add(url.pathname);
  if (url.search.length > 1) ctx.secrets.add(url.search.slice(1));
  const source = `POST ${url.origin}${shownPath} (peer ${targetId}, direct)`;
  let response: HttpResponse;
  try {
    response = await sendRequest(ctx.http, {
      method: 'POST',
      url: url.href,
      origin: url.origin,
      path: shownPath,
      headers: { [HEADER.contentType]: 'application/json', [HEADER.workspaceId]: ctx.workspaceId },
      json: request,
      timeoutMs: options.timeoutMs ?? ctx.timeouts.peer,
      signal: options.signal,
      retry: false,
    });
  } catch (error) {
    if (error instanceof TimeoutError) {
      throw new TimeoutError(
        `peer ${targetId}: no answer from its direct URL within ${options.timeoutMs ?? ctx.timeouts.peer} ms; ${NOT_RESENT}`,
        { method: 'POST', path: shownPath, cause: error },
      );
    }
    if (error instanceof ConnectionError) {
      ctx.peers.delete(targetId);
      if (certainlyNotSent(error.cause)) return { notProcessed: error.message };
      throw new PeerUnreachableError(
        `peer ${targetId}: the connection to its direct URL broke after sending; ${NOT_RESENT}`,
        { targetId, route: 'direct', maybeDelivered: true, cause: error },
      );
    }
    throw error;
  }
  if (NOT_PROCESSED_STATUSES.has(response.status)) {
    return { notProcessed: `its direct URL answered HTTP ${response.status}` };
  }
  if (!response.ok) {
    const python = parseOrUndefined(errorEnvelope, response.body);
    if (python && response.status >= 400) {
      throw peerErrorEnvelope(targetId, 'direct', response.status, python.error);
    }
    const what =
      response.status >= 300 && response.status < 400
        ? 'a redirect, which is not followed'
        : `HTTP ${response.status}`;
    const rpc = parseOrUndefined(
      jsonObject({ error: jsonObject({ code: v.number(), message: v.string() }) }),
      response.body,
    );
    throw new PeerRejectedError(`peer ${targetId} answered its direct call with ${what}`, {
      targetId,
      route: 'direct',
      httpStatus: response.status,
      rpcCode: rpc?.error.code,
      rpcMessage: rpc?.error.message,
    });
  }
  return interpret(response, targetId, 'direct', messageId, source, request.id);
}

/** One POST through `/workspaces/:target/a2a` with the bearer and `X-Workspace-ID`. */
async function callProxy(
  ctx: ClientContext,
  targetId: string,
  request: JsonRpcRequest,
  messageId: string,
  settings: { timeout: number; signal: AbortSignal | undefined; headers?: Record<string, string> },
): Promise<CallPeerResult> {
  const call: PlatformCall = {
    method: 'POST',
    path: apiPath`/workspaces/${targetId}/a2a`,
    json: request,
    timeout: settings.timeout,
    headers: { [HEADER.workspaceId]: ctx.workspaceId, ...settings.headers },
    signal: settings.signal,
  };
  const response = await callPlatform(ctx, call);
  const path = `${ctx.basePath}${call.path}`;
  if (response.status === 202) {
    const queued = parseOrUndefined(queuedBodySchema, response.body);
    if (queued) {
      return {
        status: 'queued',
        route: 'proxy',
        messageId,
        queueId: queued.queue_id,
        queueDepth: queued.queue_depth,
        message: queued.message,
      };
    }
  }
  if (response.ok) return interpret(response, targetId, 'proxy', messageId, `POST ${path}`, request.id);
  if (response.status === 502 || response.status === 503) {
    const body = parseOrUndefined(proxyErrorBody, response.body) ?? {};
    const reason = body.error ?? (response.bodyKind === 'empty' ? 'empty body' : 'no reason given');
    if (response.status === 503 && (body.busy || body.waking)) {
      const header = cappedRetryAfter(response.headers, ctx.clock.now());
      const retryAfterMs =
        header ??
        (body.retry_after !== undefined && body.retry_after >= 0
          ? Math.min(body.retry_after * 1000, MAX_RETRY_AFTER_MS)
          : undefined);
      throw new PeerBusyError(`peer ${targetId} is busy (503: ${reason}); retry later`, {
        status: 503,
        method: 'POST',
        path,
        body: response.body,
        targetId,
        retryAfterMs,
        retryAfter: rawRetryAfter(response.headers),
      });
    }
    throw new PeerUnreachableError(
      `peer ${targetId} is unreachable through the platform (${response.status}: ${reason})`,
      {
        targetId,
        route: 'proxy',
        status: response.status,
        maybeDelivered: body.delivery_confirmed === true,
      },
    );
  }
  const relayed = parseOrUndefined(errorEnvelope, response.body);
  if (relayed && response.status >= 400 && isPythonServerError(relayed.error)) {
    throw peerErrorEnvelope(targetId, 'proxy', response.status, relayed.error);
  }
  throwForStatus(ctx, call, response);
  return interpret(response, targetId, 'proxy', messageId, `POST ${path}`, request.id);
}

/** Discovery for callPeer: a platform failure is a reason to use the proxy, not to fail. */
async function discoverForCall(
  ctx: ClientContext,
  targetId: string,
  options: CallPeerOptions,
  refresh: boolean,
): Promise<string | null> {
  try {
    return await discoverPeer(ctx, targetId, { signal: options.signal, refresh });
  } catch (error) {
    if (error instanceof AbortError || !(error instanceof MoleculeError)) throw error;
    ctx.logger.warn('peer discovery failed; using the platform proxy', { targetId, reason: error.message });
    return null;
  }
}

/**
 * Sends an A2A `message/send` to a peer as `client`: to its own URL first (discovered, cached),
 * then through the platform's proxy, always with the same message id. It moves on only when the
 * direct answer proves the message was not processed (connection refused, DNS failure, HTTP
 * 404/405/410/421): the cache entry is dropped, the peer rediscovered once (a restarted peer has a
 * new URL) and called there, else the proxy is used. After a timeout, a connection broken after
 * sending or any other answer it throws instead of sending a second copy. A function rather than a
 * client method, so that a client that never calls peers does not carry the A2A envelopes.
 *
 * @example
 * const reply = await callPeer(client, peer.id, 'Summarise the docs');
 * if (reply.status === 'completed') console.log(reply.text);
 */
export function callPeer(
  client: AgentClient,
  targetId: string,
  message: OutgoingMessage,
  options: CallPeerOptions = {},
): Promise<CallPeerResult> {
  return withClientContext(client, (ctx) => callPeerAs(ctx, targetId, message, options));
}

async function callPeerAs(
  ctx: ClientContext,
  targetId: string,
  message: OutgoingMessage,
  options: CallPeerOptions = {},
): Promise<CallPeerResult> {
  encodeSegment(targetId, 'targetId');
  const { messageId, request } = buildMessageSend(message, 'user');
  let url = (options.preferDirect ?? true) ? await discoverForCall(ctx, targetId, options, false) : null;
  // At most two direct calls: the cached URL, then (once) the freshly discovered one.
  for (let rediscovered = false; url !== null; rediscovered = true) {
    const direct = await callDirect(ctx, targetId, url, request, messageId, options);
    if (!('notProcessed' in direct)) return direct;
    ctx.peers.delete(targetId);
    const fresh = rediscovered ? null : await discoverForCall(ctx, targetId, options, true);
    const fields = { targetId, reason: direct.notProcessed };
    if (fresh === null || fresh === url) {
      ctx.peers.delete(targetId);
      ctx.logger.warn('peer direct URL did not take the message; using the platform proxy', fields);
      break;
    }
    ctx.logger.info('peer URL changed; calling it at its new URL', fields);
    url = fresh;
  }
  return callProxy(ctx, targetId, request, messageId, {
    timeout: options.timeoutMs ?? ctx.timeouts.peer,
    signal: options.signal,
  });
}

/**
 * Sends an A2A `message/send` to a workspace through the platform's proxy, as `client`'s agent
 * (`X-Workspace-ID`): how an agent answers a peer. Role defaults to `agent`.
 *
 * @example
 * await sendMessage(client, peerId, 'Done: 3 files changed', { contextId });
 */
export function sendMessage(
  client: AgentClient,
  targetWorkspaceId: string,
  content: string | A2APart[],
  options: SendMessageOptions = {},
): Promise<CallPeerResult> {
  return withClientContext(client, (ctx) => sendMessageAs(ctx, targetWorkspaceId, content, options));
}

async function sendMessageAs(
  ctx: ClientContext,
  targetWorkspaceId: string,
  content: string | A2APart[],
  options: SendMessageOptions = {},
): Promise<CallPeerResult> {
  encodeSegment(targetWorkspaceId, 'targetWorkspaceId');
  const { messageId, request } = buildMessageSend(
    {
      parts: content,
      role: options.role ?? 'agent',
      messageId: options.messageId,
      contextId: options.contextId,
      taskId: options.taskId,
      metadata: options.metadata,
    },
    'agent',
  );
  return callProxy(ctx, targetWorkspaceId, request, messageId, {
    timeout: options.timeoutMs ?? ctx.timeouts.inbound,
    signal: options.signal,
    headers: { [HEADER.sourceWorkspaceId]: ctx.workspaceId },
  });
}
