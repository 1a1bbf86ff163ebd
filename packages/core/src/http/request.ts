import {
  AbortError,
  ConfigError,
  ConnectionError,
  InvalidResponseError,
  MoleculeError,
  TimeoutError,
} from '../errors.js';
import { type Clock, MAX_TIMER_DELAY_MS, type Random } from '../ports/clock.js';
import type { HttpTransport, ResponseHeaders, TransportResponse } from '../ports/http-transport.js';
import { type Logger, silentLogger } from '../ports/logger.js';
import { readCappedStream } from '../util/read-capped-stream.js';
import { redactText } from '../util/redact.js';
import { type BodyKind, describeByteCap, parseBodyText } from './body.js';
import { type AttemptOutcome, type RetryPolicy, retryDelay } from './retry-policy.js';

/** What every request needs from the client. */
export interface HttpConfig {
  transport: HttpTransport;
  clock: Clock;
  random: Random;
  logger: Logger;
  retry: RetryPolicy;
  /** Cap on any body read into memory (10 MiB, the platform proxy's own cap on agent answers). */
  maxResponseBytes: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Absolute URL, query included. */
  url: string;
  /** scheme://host[:port] of `url`, for logs. */
  origin: string;
  /** Path of `url` without query, for errors and logs. */
  path: string;
  /** Final headers (credentials already decided by `buildHeaders`). */
  headers: Record<string, string>;
  /** JSON body; serialised once, so every retry sends the same bytes. */
  json?: unknown;
  /** Per-attempt time limit. Covers the body too, except in stream mode (headers only). */
  timeoutMs: number;
  /** Defaults to `method === 'GET'`. A POST is retried only when this is true and the policy allows. */
  idempotent?: boolean;
  signal?: AbortSignal | undefined;
  /** Return the 2xx body as a stream instead of reading it. */
  stream?: boolean;
  /** `false` turns retries off for this request whatever the policy says. */
  retry?: boolean;
}

export interface HttpResponse {
  status: number;
  ok: boolean;
  headers: ResponseHeaders;
  bodyKind: BodyKind;
  /** Parsed JSON, text, or `undefined` (always read unless this is a 2xx in stream mode). */
  body: unknown;
  /** The unread body of a 2xx in stream mode. */
  stream: ReadableStream<Uint8Array> | null;
  attempts: number;
}

/** Bytes read from an error body of a streamed request; error bodies are small JSON. */
const STREAM_ERROR_BODY_BYTES = 64 * 1024;

function aborted(request: HttpRequest, cause: unknown): AbortError {
  return new AbortError(`${request.method} ${request.path} was aborted by the caller`, { cause });
}

/** Maps a thrown transport/body failure to AbortError, TimeoutError or ConnectionError. */
function classifyFailure(cause: unknown, request: HttpRequest): MoleculeError {
  if (cause instanceof MoleculeError) return cause;
  if (request.signal?.aborted) return aborted(request, request.signal.reason);
  const { method, path } = request;
  // The host (never the path, which may be a capability) is what a reader needs to fix a
  // connection problem: a typo, a port, a down server.
  const where = `${method} ${path} to ${request.origin.replace(/^[a-z]+:\/\//, '')}`;
  // A transport that gave up on the attempt's time limit throws an error named TimeoutError.
  if ((cause as { name?: unknown } | null)?.name === 'TimeoutError') {
    return new TimeoutError(`${where} got no complete answer within ${request.timeoutMs} ms`, {
      method,
      path,
      cause,
    });
  }
  // fetch wraps the network error in a TypeError("fetch failed") whose cause says what happened.
  const detail = cause instanceof Error ? redactText(cause.message) : 'unknown error';
  return new ConnectionError(`${where} failed before an answer arrived (${detail})`, { method, path, cause });
}

/**
 * Reads the error body of a streamed request (capped) as text, within what is left of the attempt's
 * time limit (the transport's covered only the headers). Rare, so a timer of its own is fine.
 */
async function readStreamedErrorText(
  stream: ReadableStream<Uint8Array> | null,
  remainingMs: number,
): Promise<string | null> {
  if (stream === null) return '';
  // Aborts with a DOMException named TimeoutError, which reads as the attempt's timeout.
  const deadline = AbortSignal.timeout(Math.ceil(Math.min(Math.max(1, remainingMs), MAX_TIMER_DELAY_MS)));
  const bytes = await readCappedStream(stream, STREAM_ERROR_BODY_BYTES, deadline);
  return bytes === undefined ? null : new TextDecoder().decode(bytes);
}

/**
 * Sends one logical request: attempts through the transport (one attempt each, no redirects), a fresh
 * timeout per attempt, the body read inside the attempt, retries decided by the pure policy and
 * slept through the injected clock. Non-2xx answers are returned, not thrown: the endpoint decides
 * what a status means. Throws AbortError, TimeoutError, ConnectionError or InvalidResponseError.
 */
export async function sendRequest(config: HttpConfig, request: HttpRequest): Promise<HttpResponse> {
  if (!(request.timeoutMs > 0) || !Number.isFinite(request.timeoutMs)) {
    throw new ConfigError(`timeoutMs must be a positive number, got ${request.timeoutMs}`);
  }
  const transport = config.transport;
  const read = request.stream ? 'stream' : 'text';
  const body =
    request.json === undefined ? undefined : new TextEncoder().encode(JSON.stringify(request.json));
  const idempotent = request.idempotent ?? request.method === 'GET';
  const source = `${request.method} ${request.path}`;
  for (let attempt = 1; ; attempt++) {
    if (request.signal?.aborted) throw aborted(request, request.signal.reason);
    // Real time, like the transport's timer (an injected clock may be virtual).
    const startedMs = request.stream ? Date.now() : 0;
    let outcome: AttemptOutcome;
    let failure: MoleculeError | undefined;
    let response: HttpResponse | undefined;
    if (config.logger !== silentLogger) {
      config.logger.debug('http request', {
        method: request.method,
        url: request.origin + request.path,
        attempt,
      });
    }
    try {
      const raw: TransportResponse = await transport.send({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body,
        signal: request.signal,
        timeoutMs: request.timeoutMs,
        read,
        maxBodyBytes: config.maxResponseBytes,
      });
      const ok = raw.status >= 200 && raw.status < 300;
      if (request.stream && ok) {
        response = {
          status: raw.status,
          ok,
          headers: raw.headers,
          bodyKind: 'empty',
          body: undefined,
          stream: raw.body,
          attempts: attempt,
        };
      } else {
        const text = request.stream
          ? await readStreamedErrorText(raw.body, request.timeoutMs - (Date.now() - startedMs))
          : raw.text;
        if (text === null) {
          const limit = request.stream ? STREAM_ERROR_BODY_BYTES : config.maxResponseBytes;
          throw new InvalidResponseError(
            `${source}: the response body is over the cap of ${describeByteCap(limit)} (counted after decompression)`,
            { source, issues: [`body: more than ${limit} bytes`] },
          );
        }
        const parsed = parseBodyText(text);
        response = {
          status: raw.status,
          ok,
          headers: raw.headers,
          bodyKind: parsed.kind,
          body: parsed.value,
          stream: null,
          attempts: attempt,
        };
      }
      outcome = { kind: 'status', status: raw.status, headers: raw.headers };
    } catch (error) {
      failure = classifyFailure(error, request);
      if (!(failure instanceof ConnectionError)) throw failure; // aborts and bad bodies are final
      outcome = { kind: failure instanceof TimeoutError ? 'timeout' : 'network' };
    }
    if (response?.ok) return response;
    const delay =
      request.retry === false
        ? null
        : retryDelay({
            policy: config.retry,
            attempt,
            method: request.method,
            idempotent,
            outcome,
            nowMs: config.clock.now(),
            random: config.random,
          });
    if (delay === null) {
      if (failure) throw failure;
      return response as HttpResponse;
    }
    config.logger.info('retrying request', {
      method: request.method,
      url: request.origin + request.path,
      attempt,
      delayMs: delay,
      reason: outcome.kind === 'status' ? outcome.status : outcome.kind,
    });
    try {
      await config.clock.sleep(delay, request.signal);
    } catch (cause) {
      throw aborted(request, cause);
    }
  }
}

/** Throws InvalidResponseError when a 2xx body that must be JSON is text. */
export function requireJsonBody(response: HttpResponse, source: string): unknown {
  if (response.bodyKind === 'text') {
    throw new InvalidResponseError(`${source} answered ${response.status} with a body that is not JSON`, {
      source,
    });
  }
  return response.body;
}
