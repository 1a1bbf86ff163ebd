import { apiErrorFromResponse } from '../http/api-error.js';
import { buildHeaders } from '../http/headers.js';
import { type HttpConfig, type HttpResponse, requireJsonBody, sendRequest } from '../http/request.js';
import { platformUrlFor } from '../http/url.js';
import type { Clock, Random } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { parseOrThrow, type Schema } from '../schemas/validate.js';
import type { SecretScrubber } from '../util/secret-scrubber.js';
import type { Timeouts } from './options.js';
import type { PeerCache } from './peer-cache.js';
import type { TokenCache } from './token-cache.js';

/** Everything the endpoint modules share. Internal. */
export interface ClientContext {
  workspaceId: string;
  platformBase: URL;
  platformOrigin: string;
  /** The base path without trailing slashes (`""` or e.g. `/molecule`), computed once. */
  basePath: string;
  orgId: string | undefined;
  originHeader: string | undefined;
  tokens: TokenCache;
  http: HttpConfig;
  clock: Clock;
  random: Random;
  logger: Logger;
  timeouts: Timeouts;
  startedAtMs: number;
  agentCard: Record<string, unknown>;
  reportedUrl: string;
  peers: PeerCache;
  /** Every secret the client holds (tokens, admin credentials, peers' capability paths), to scrub by value. */
  secrets: SecretScrubber;
}

/** One call to the platform. */
export interface PlatformCall {
  method: 'GET' | 'POST';
  /** Already encoded (see `apiPath`). */
  path: string;
  query?: Record<string, string | number | null | undefined>;
  json?: unknown;
  /** A timeout class or milliseconds; default `control`. */
  timeout?: keyof Timeouts | number;
  /** `{bearer}`: that credential instead of the workspace token (sent by default, when one is known). */
  auth?: { bearer: string };
  idempotent?: boolean;
  signal?: AbortSignal | undefined;
  headers?: Record<string, string>;
  stream?: boolean;
}

/** Sends a call to the platform with the platform's headers (bearer only ever to its origin). */
export async function callPlatform(ctx: ClientContext, call: PlatformCall): Promise<HttpResponse> {
  const url = platformUrlFor(ctx.platformOrigin + ctx.basePath, call.path, call.query);
  const bearer = call.auth ? call.auth.bearer : (ctx.tokens.cached() ?? (await ctx.tokens.get()));
  if (call.auth) ctx.secrets.add(call.auth.bearer);
  const headers = buildHeaders(
    ctx.platformOrigin, // the URL was built from the platform base, so this is its origin
    { platformOrigin: ctx.platformOrigin, bearer, orgId: ctx.orgId, originHeader: ctx.originHeader },
    {
      ...(call.json === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...call.headers,
    },
  );
  return sendRequest(ctx.http, {
    method: call.method,
    url,
    origin: ctx.platformOrigin,
    path: ctx.basePath + call.path,
    headers,
    json: call.json,
    timeoutMs: typeof call.timeout === 'number' ? call.timeout : ctx.timeouts[call.timeout ?? 'control'],
    idempotent: call.idempotent,
    signal: call.signal,
    stream: call.stream,
    // Redirects are never followed (a transport answers a 3xx as it is): following would carry the
    // org header, Origin and the body (and, with fetch implementations that keep it, the bearer) to
    // wherever a redirect points, and the foreign answer would pass for the platform's (a "paused"
    // state stops the loop). The routes the SDK calls never redirect, so a 3xx surfaces as an
    // ApiError with its status.
  });
}

/** `"GET /workspaces/x/state"`: how errors name a call (no query, no host). */
export function describeCall(ctx: ClientContext, call: PlatformCall): string {
  return `${call.method} ${ctx.basePath}${call.path}`;
}

/** Throws the status's ApiError for a non-2xx answer. */
export function throwForStatus(ctx: ClientContext, call: PlatformCall, response: HttpResponse): void {
  if (response.ok) return;
  throw apiErrorFromResponse({
    status: response.status,
    method: call.method,
    path: `${ctx.basePath}${call.path}`,
    headers: response.headers,
    body: response.body,
    nowMs: ctx.clock.now(),
  });
}

/** Throws the status's ApiError for a non-2xx answer, else parses the JSON body (text → InvalidResponseError). */
export function readJson<T>(
  ctx: ClientContext,
  call: PlatformCall,
  response: HttpResponse,
  schema: Schema<T>,
): T {
  throwForStatus(ctx, call, response);
  const source = describeCall(ctx, call);
  return parseOrThrow(schema, requireJsonBody(response, source), source);
}

/** Sends the call and reads its answer with {@link readJson}. */
export async function callPlatformJson<T>(
  ctx: ClientContext,
  call: PlatformCall,
  schema: Schema<T>,
): Promise<T> {
  return readJson(ctx, call, await callPlatform(ctx, call), schema);
}
