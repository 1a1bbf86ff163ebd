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
import { apiPath, encodeSegment, parsePeerUrl } from '../http/url.js';
import {
  type A2APart,
  type A2AResult,
  extractText,
  isJsonRpcFailure,
  type JsonRpcRequest,
  type JsonRpcSuccess,
  parseA2AResult,
  parseJsonRpcResponse,
} from '../schemas/a2a.js';
import { queuedBodySchema } from '../schemas/platform.js';
import { parseOrUndefined } from '../schemas/validate.js';
import { buildMessageSend, type OutgoingMessage } from './a2a-envelope.js';
import { type ClientContext, callPlatform, type PlatformCall, throwForStatus } from './context.js';
import { discoverPeer } from './peers.js';

/** The peer answered. */
export interface PeerReply {
  status: 'completed';
  route: PeerRoute;
  messageId: string;
  /** The whole JSON-RPC response. */
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
  metadata?: Record<string, unknown>;
  contextId?: string;
  taskId?: string;
  messageId?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

const FALLBACK = Symbol('fallback');

const proxyErrorBody = v.looseObject({
  error: v.optional(v.string()),
  busy: v.optional(v.boolean()),
  waking: v.optional(v.boolean()),
  retry_after: v.optional(v.number()),
  delivery_confirmed: v.optional(v.boolean()),
});

/** Reads a JSON-RPC answer: a result, or PeerRejectedError for an `error` object. */
function interpret(
  response: HttpResponse,
  targetId: string,
  route: PeerRoute,
  messageId: string,
  source: string,
): PeerReply {
  const rpc = parseJsonRpcResponse(requireJsonBody(response, source), source);
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
    response: rpc as JsonRpcSuccess,
    result: parseA2AResult(rpc.result),
    text: extractText(rpc.result),
  };
}

/**
 * One POST to the peer's own URL: no platform bearer, no Origin, no org header, redirects not
 * followed, never retried. Returns FALLBACK only when the request certainly did not leave.
 */
async function callDirect(
  ctx: ClientContext,
  targetId: string,
  rawUrl: string,
  request: JsonRpcRequest,
  messageId: string,
  options: CallPeerOptions,
): Promise<PeerReply | typeof FALLBACK> {
  const url = parsePeerUrl(rawUrl);
  if (!url) {
    ctx.peers.delete(targetId);
    return FALLBACK;
  }
  const source = `POST ${url.pathname} (peer ${targetId}, direct)`;
  let response: HttpResponse;
  try {
    response = await sendRequest(ctx.http, {
      method: 'POST',
      url: url.href,
      origin: url.origin,
      path: url.pathname,
      headers: { [HEADER.contentType]: 'application/json', [HEADER.workspaceId]: ctx.workspaceId },
      json: request,
      timeoutMs: options.timeoutMs ?? ctx.timeouts.peer,
      signal: options.signal,
      redirect: 'manual',
      retry: false,
    });
  } catch (error) {
    if (error instanceof TimeoutError) {
      throw new TimeoutError(
        `peer ${targetId} did not answer on its direct URL within ${options.timeoutMs ?? ctx.timeouts.peer} ms; ` +
          'not resent through the platform because it may have been delivered',
        { method: 'POST', path: url.pathname, cause: error },
      );
    }
    if (error instanceof ConnectionError) {
      ctx.peers.delete(targetId);
      if (certainlyNotSent(error.cause)) {
        ctx.logger.warn('peer direct URL unreachable; using the platform proxy', {
          targetId,
          reason: error.message,
        });
        return FALLBACK;
      }
      throw new PeerUnreachableError(
        `peer ${targetId}: the connection to its direct URL broke after sending; not resent because it may have been delivered`,
        { targetId, route: 'direct', maybeDelivered: true, cause: error },
      );
    }
    throw error;
  }
  if (!response.ok) {
    const what =
      response.status >= 300 && response.status < 400
        ? 'a redirect, which is not followed'
        : `HTTP ${response.status}`;
    const rpc = parseOrUndefined(
      v.looseObject({ error: v.looseObject({ code: v.number(), message: v.string() }) }),
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
  return interpret(response, targetId, 'direct', messageId, source);
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
    auth: 'token',
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
  if (response.ok) return interpret(response, targetId, 'proxy', messageId, `POST ${path}`);
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
  throwForStatus(ctx, call, response);
  return interpret(response, targetId, 'proxy', messageId, `POST ${path}`);
}

/**
 * Sends an A2A `message/send` to a peer: to its own URL first (discovered, cached), then through
 * the platform's proxy. It falls back to the proxy only when the direct request certainly never
 * left (connection refused, DNS failure, unusable URL) and reuses the same message id; after a
 * timeout, a broken connection or any HTTP answer it throws instead of sending a second copy.
 */
export async function callPeer(
  ctx: ClientContext,
  targetId: string,
  message: OutgoingMessage,
  options: CallPeerOptions = {},
): Promise<CallPeerResult> {
  encodeSegment(targetId, 'targetId');
  const { messageId, request } = buildMessageSend(message, 'user');
  if (options.preferDirect ?? true) {
    let url: string | null = null;
    try {
      url = await discoverPeer(ctx, targetId, { signal: options.signal });
    } catch (error) {
      if (error instanceof AbortError || !(error instanceof MoleculeError)) throw error;
      ctx.logger.warn('peer discovery failed; using the platform proxy', { targetId, reason: error.message });
    }
    if (url !== null) {
      const direct = await callDirect(ctx, targetId, url, request, messageId, options);
      if (direct !== FALLBACK) return direct;
    }
  }
  return callProxy(ctx, targetId, request, messageId, {
    timeout: options.timeoutMs ?? ctx.timeouts.peer,
    signal: options.signal,
  });
}

/**
 * Sends an A2A `message/send` to a workspace through the platform's proxy, as this agent
 * (`X-Workspace-ID`): how an agent answers a peer. Role defaults to `agent`.
 */
export async function sendMessage(
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
      ...(options.messageId === undefined ? {} : { messageId: options.messageId }),
      ...(options.contextId === undefined ? {} : { contextId: options.contextId }),
      ...(options.taskId === undefined ? {} : { taskId: options.taskId }),
      ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    },
    'agent',
  );
  return callProxy(ctx, targetWorkspaceId, request, messageId, {
    timeout: options.timeoutMs ?? ctx.timeouts.inbound,
    signal: options.signal,
    headers: { [HEADER.sourceWorkspaceId]: ctx.workspaceId },
  });
}
