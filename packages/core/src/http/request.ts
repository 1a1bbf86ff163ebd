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

/**
 * A per-attempt signal: a fresh timeout (covering the body too, since the body is read inside the
 * attempt) combined with the caller's signal. In stream mode the timeout is disarmed once the
 * headers are in and only the caller's signal governs the body.
 */
interface AttemptSignal {
  signal: AbortSignal;
  timedOut(): boolean;
  disarmTimeout(): void;
  /** Detaches from the caller's signal too (a long-lived loop signal must not collect listeners). */
  release(): void;
}

function attemptSignal(timeoutMs: number, caller: AbortSignal | undefined): AttemptSignal {
  // A plain timer cleared when the attempt ends, rather than AbortSignal.timeout(): same meaning,
  // but AbortSignal.timeout leaves a timer and a finalizer behind per call, which measurably slows
  // every request on Node (see bench/client-overhead.mjs).
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(
    () => {
      timedOut = true;
      controller.abort(new DOMException('The attempt timed out', 'TimeoutError'));
    },
    Math.min(Math.max(1, timeoutMs), MAX_TIMER_DELAY_MS),
  );
  const onCaller = (): void => controller.abort(caller?.reason);
  if (caller?.aborted) controller.abort(caller.reason);
  else caller?.addEventListener('abort', onCaller, { once: true });
  const disarmTimeout = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    disarmTimeout,
    release: () => {
      disarmTimeout();
      caller?.removeEventListener('abort', onCaller);
    },
  };
}

/** Origin and path only: no query, and (validated upstream) never userinfo. */
function describeUrl(request: HttpRequest): string {
  return request.origin + request.path;
}

/** `host:port` of an origin (only the origin: never a path, which may be a capability). */
function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}

/** Maps a thrown fetch/body failure to AbortError, TimeoutError or ConnectionError. */
function classifyFailure(
  error: unknown,
  request: HttpRequest,
  attempt: AttemptSignal,
): AbortError | TimeoutError | ConnectionError | MoleculeError {
  if (error instanceof MoleculeError) return error;
  // fetch wraps the network error in a TypeError("fetch failed") whose cause says what happened.
  const cause = error;
  const path = request.path;
  const where = `${request.method} ${path}`;
  // The host is what a reader needs to fix a connection problem (a typo, a port, a down server).
  const host = hostOf(request.origin);
  if (request.signal?.aborted) {
    return new AbortError(`${where} was aborted by the caller`, { cause: request.signal.reason });
  }
  if (attempt.timedOut()) {
    return new TimeoutError(`${where} to ${host} got no complete answer within ${request.timeoutMs} ms`, {
      method: request.method,
      path,
      cause,
    });
  }
  const detail = cause instanceof Error ? redactText(cause.message) : 'unknown error';
  return new ConnectionError(`${where} to ${host} failed before an answer arrived (${detail})`, {
    method: request.method,
    path,
    cause,
  });
}

async function sleep(config: HttpConfig, ms: number, request: HttpRequest): Promise<void> {
  try {
    await config.clock.sleep(ms, request.signal);
  } catch (cause) {
    throw new AbortError(`${request.method} ${request.path} was aborted by the caller`, { cause });
  }
}

/** Reads the error body of a streamed request (capped) as text. */
async function readStreamedErrorText(stream: ReadableStream<Uint8Array> | null): Promise<string | null> {
  if (stream === null) return '';
  const bytes = await readCappedStream(stream, STREAM_ERROR_BODY_BYTES);
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
    throw new ConfigError(`timeout must be a positive number of milliseconds, got ${request.timeoutMs}`);
  }
  const transport = config.transport;
  const read = request.stream ? 'stream' : 'text';
  const body =
    request.json === undefined ? undefined : new TextEncoder().encode(JSON.stringify(request.json));
  const idempotent = request.idempotent ?? request.method === 'GET';
  const source = `${request.method} ${request.path}`;
  for (let attempt = 1; ; attempt++) {
    if (request.signal?.aborted) {
      throw new AbortError(`${source} was aborted by the caller`, { cause: request.signal.reason });
    }
    const live = attemptSignal(request.timeoutMs, request.signal);
    let outcome: AttemptOutcome;
    let failure: MoleculeError | undefined;
    let response: HttpResponse | undefined;
    if (config.logger !== silentLogger) {
      config.logger.debug('http request', { method: request.method, url: describeUrl(request), attempt });
    }
    try {
      const raw: TransportResponse = await transport.send({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body,
        signal: live.signal,
        read,
        maxBodyBytes: config.maxResponseBytes,
      });
      const ok = raw.status >= 200 && raw.status < 300;
      if (request.stream && ok) {
        live.disarmTimeout(); // from here on only the caller's signal governs the body
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
        const text = request.stream ? await readStreamedErrorText(raw.body) : raw.text;
        if (text === null) {
          const limit = request.stream ? STREAM_ERROR_BODY_BYTES : config.maxResponseBytes;
          throw new InvalidResponseError(
            `${source}: the response body is larger than the cap of ${describeByteCap(limit)} (${limit} bytes, counted after decompression)`,
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
      failure = classifyFailure(error, request, live);
      if (!(failure instanceof ConnectionError)) throw failure; // aborts and bad bodies are final
      outcome = { kind: failure instanceof TimeoutError ? 'timeout' : 'network' };
    } finally {
      // A streamed 2xx body stays tied to the caller's signal; everything else is finished here.
      if (response?.stream) live.disarmTimeout();
      else live.release();
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
      url: describeUrl(request),
      attempt,
      delayMs: delay,
      reason: outcome.kind === 'status' ? outcome.status : outcome.kind,
    });
    await sleep(config, delay, request);
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
