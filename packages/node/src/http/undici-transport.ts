import {
  type HttpTransport,
  MAX_TIMER_DELAY_MS,
  type ResponseHeaders,
  type TransportRequest,
  type TransportResponse,
} from '@molecule-ai/agent-core/ports';
import { Agent, type Dispatcher } from 'undici';
import { contentCodings, decodeStream, decodeWhole } from './content-coding.js';
import { sendOnOwnSocket } from './socket-download.js';

/** Options of {@link createUndiciTransport}. */
export interface UndiciTransportOptions {
  /**
   * Most open connections per origin (the platform, each peer). Requests beyond it wait for a free
   * connection (the wait counts against their timeout). Default 32.
   */
  connections?: number | undefined;
  /** How long an idle connection is kept open, in ms. Default 4000 (shorter when the server says so). */
  keepAliveTimeoutMs?: number | undefined;
  /** Send through this dispatcher instead (e.g. an undici `ProxyAgent`); the options above are then unused. */
  dispatcher?: Dispatcher | undefined;
}

type RawHeaders = Record<string, string | string[] | undefined>;

/** Case-insensitive reads over undici's parsed headers (lower-case names); nothing is copied. */
class HeaderView implements ResponseHeaders {
  readonly #headers: RawHeaders;
  constructor(headers: RawHeaders) {
    this.#headers = headers;
  }
  get(name: string): string | null {
    const key = name.toLowerCase();
    if (!Object.hasOwn(this.#headers, key)) return null;
    const value = this.#headers[key];
    if (value === undefined) return null;
    return typeof value === 'string' ? value : value.join(', ');
  }
}

function decodeUtf8(chunks: Buffer[], size: number): string {
  const text =
    chunks.length === 1
      ? chunks[0]!.toString('utf8')
      : chunks.length === 0
        ? ''
        : Buffer.concat(chunks, size).toString('utf8');
  // fetch's text() drops a byte order mark; do the same so both transports hand over equal text.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** What an attempt past its time limit fails with (the name `AbortSignal.timeout` uses). */
function attemptTimeoutError(): DOMException {
  return new DOMException('The attempt timed out', 'TimeoutError');
}

/**
 * The deadlines of the attempts in flight, watched by one timer armed for the earliest. A timer
 * (and an AbortController to carry it) per attempt cost more CPU than the rest of the client's
 * work on a call; here an attempt only joins and leaves a set.
 */
class Deadlines {
  readonly #attempts = new Set<AttemptHandler>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Number.POSITIVE_INFINITY;

  add(attempt: AttemptHandler): void {
    this.#attempts.add(attempt);
    if (attempt.deadline < this.#armedFor) this.#arm(attempt.deadline);
  }

  delete(attempt: AttemptHandler): void {
    this.#attempts.delete(attempt);
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedFor = at;
    this.#timer = setTimeout(this.#expire, Math.min(Math.max(0, at - performance.now()), MAX_TIMER_DELAY_MS));
    // The attempts' sockets keep the process alive; an idle timer must not.
    this.#timer.unref();
  }

  readonly #expire = (): void => {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const attempt of this.#attempts) {
      if (attempt.deadline <= now) {
        this.#attempts.delete(attempt);
        attempt.timeOut();
      } else if (attempt.deadline < next) {
        next = attempt.deadline;
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  };
}

/**
 * The attempts listening to each caller signal: one listener per signal for its whole life (a
 * loop passes the same signal to every call), rather than an add and a remove per attempt.
 */
const callerWatches = new WeakMap<AbortSignal, Set<AttemptHandler>>();

function watchCaller(signal: AbortSignal, attempt: AttemptHandler): void {
  let attempts = callerWatches.get(signal);
  if (attempts === undefined) {
    const watched = new Set<AttemptHandler>();
    attempts = watched;
    callerWatches.set(signal, watched);
    signal.addEventListener(
      'abort',
      () => {
        for (const each of [...watched]) each.callerAborted(signal.reason);
        watched.clear();
      },
      { once: true },
    );
  }
  attempts.add(attempt);
}

function unwatchCaller(signal: AbortSignal, attempt: AttemptHandler): void {
  callerWatches.get(signal)?.delete(attempt);
}

/** The cap was passed: the connection is dropped (the rest of the body is never read). */
class BodyCapPassed extends Error {}

/**
 * One attempt over undici's dispatcher API: the body is collected as raw buffers (text mode) or
 * handed over as a web stream with backpressure (stream mode), with no fetch Response, Headers or
 * stream objects built on the hot path.
 */
class AttemptHandler implements Dispatcher.DispatchHandler {
  readonly #request: TransportRequest;
  readonly #resolve: (response: TransportResponse) => void;
  readonly #reject: (error: unknown) => void;
  #controller: Dispatcher.DispatchController | undefined;
  #settled = false;
  #status = 0;
  #headers: RawHeaders = {};
  #chunks: Buffer[] = [];
  #size = 0;
  #stream: ReadableStreamDefaultController<Uint8Array> | undefined;
  #done = false;
  readonly #deadlines: Deadlines;
  /** `performance.now()` past which the attempt times out (until the headers, in stream mode). */
  readonly deadline: number;

  constructor(
    request: TransportRequest,
    deadlines: Deadlines,
    resolve: (response: TransportResponse) => void,
    reject: (error: unknown) => void,
  ) {
    this.#request = request;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#deadlines = deadlines;
    this.deadline = performance.now() + request.timeoutMs;
    deadlines.add(this);
    if (request.signal !== undefined) watchCaller(request.signal, this);
  }

  /** Called by {@link Deadlines} once the deadline has passed. */
  timeOut(): void {
    if (!this.#done) this.#abort(attemptTimeoutError());
  }

  /** Called when the caller's signal fires. */
  callerAborted(reason: unknown): void {
    if (!this.#done) this.#abort(reason);
  }

  #finish(): void {
    this.#done = true;
    this.#deadlines.delete(this);
    if (this.#request.signal !== undefined) unwatchCaller(this.#request.signal, this);
  }

  #abort(reason: unknown): void {
    const error = reason instanceof Error ? reason : new Error('aborted', { cause: reason });
    // Settle at once, even while the request still waits for a connection.
    if (!this.#settled) {
      this.#settled = true;
      this.#reject(error);
    } else if (this.#stream !== undefined && !this.#done) {
      this.#stream.error(error);
    }
    this.#finish();
    this.#controller?.abort(error);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#done) controller.abort(new Error('aborted'));
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // 1xx: the real answer follows
    this.#status = statusCode;
    this.#headers = headers;
    if (this.#request.read !== 'stream' || this.#settled) return;
    // In stream mode the time limit covers the headers; the caller's signal governs the body.
    this.#deadlines.delete(this);
    const body = new ReadableStream<Uint8Array>({
      start: (stream) => {
        this.#stream = stream;
      },
      pull: () => {
        if (controller.paused) controller.resume();
      },
      cancel: (reason) => {
        this.#finish();
        controller.abort(reason instanceof Error ? reason : new Error('body cancelled', { cause: reason }));
      },
    });
    this.#settled = true;
    const codings = contentCodings(headers['content-encoding']);
    this.#resolve({
      status: statusCode,
      headers: new HeaderView(headers),
      text: null,
      body: codings === null ? body : decodeStream(body, codings),
    });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    // Resuming a paused parser replays the body callback with no bytes. Enqueuing that empty chunk
    // (and pausing again) would answer every read with nothing at once: a trickling body then
    // spins its reader in microtasks, the event loop starves and an abort never gets through.
    if (this.#done || chunk.length === 0) return;
    const stream = this.#stream;
    if (stream !== undefined) {
      stream.enqueue(chunk);
      if ((stream.desiredSize ?? 0) <= 0) controller.pause();
      return;
    }
    this.#size += chunk.length;
    if (this.#size > this.#request.maxBodyBytes) {
      controller.abort(new BodyCapPassed());
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#done) return;
    this.#finish();
    if (this.#stream !== undefined) {
      this.#stream.close();
      return;
    }
    if (this.#settled) return;
    this.#settled = true;
    const codings = contentCodings(this.#headers['content-encoding']);
    let text: string | null;
    if (codings === null) {
      text = decodeUtf8(this.#chunks, this.#size);
    } else {
      let decoded: Buffer | null;
      try {
        decoded = decodeWhole(Buffer.concat(this.#chunks, this.#size), codings, this.#request.maxBodyBytes);
      } catch (error) {
        this.#reject(error); // corrupt compressed data, as fetch reports it: a failed body read
        return;
      }
      text = decoded === null ? null : decodeUtf8([decoded], decoded.length);
    }
    this.#resolve({ status: this.#status, headers: new HeaderView(this.#headers), text, body: null });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#done) return;
    this.#finish();
    if (error instanceof BodyCapPassed && !this.#settled) {
      this.#settled = true;
      this.#resolve({ status: this.#status, headers: new HeaderView(this.#headers), text: null, body: null });
      return;
    }
    if (!this.#settled) {
      this.#settled = true;
      this.#reject(error);
    } else {
      this.#stream?.error(error);
    }
  }
}

/**
 * Origin and path + query of an absolute URL. The client hands over normalised hrefs (built from
 * `URL` objects), so slicing the string is enough on the hot path; anything unusual (userinfo, a
 * fragment, no path) goes through the URL parser.
 */
function splitUrl(url: string): { origin: string; path: string } {
  const authority = url.indexOf('//') + 2;
  const pathStart = url.indexOf('/', authority);
  if (
    authority < 2 ||
    pathStart === -1 ||
    url.includes('#') ||
    url.lastIndexOf('@', pathStart) >= authority
  ) {
    const parsed = new URL(url);
    return { origin: parsed.origin, path: parsed.pathname + parsed.search };
  }
  return { origin: url.slice(0, pathStart), path: url.slice(pathStart) };
}

/**
 * The Node transport: undici's dispatcher (the HTTP client Node's own fetch is built on) without
 * the fetch layer, keep-alive connections pooled per origin, at most `connections` of them each.
 * Timeouts, retries and redirects stay the client's decision: undici's own timeouts are off and a
 * 3xx is answered as it is.
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): HttpTransport {
  const deadlines = new Deadlines();
  const dispatcher =
    options.dispatcher ??
    new Agent({
      connections: options.connections ?? 32,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
      // The client's per-attempt timeout (and, for downloads, its idle timeout) governs instead.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  return {
    send(request: TransportRequest): Promise<TransportResponse> {
      return new Promise<TransportResponse>((resolve, reject) => {
        if (request.signal?.aborted) {
          const reason = request.signal.reason;
          reject(reason instanceof Error ? reason : new Error('aborted', { cause: reason }));
          return;
        }
        // A streamed body (a plugin download) gets a connection of its own read into one reused
        // buffer: the pool's per-read buffers would pile up as garbage at the download's pace.
        if (request.read === 'stream' && options.dispatcher === undefined) {
          sendOnOwnSocket(request).then(resolve, reject);
          return;
        }
        const { origin, path } = splitUrl(request.url);
        const handler = new AttemptHandler(request, deadlines, resolve, reject);
        dispatcher.dispatch(
          {
            origin,
            path,
            method: request.method,
            headers: request.headers,
            body: request.body ?? null,
          },
          handler,
        );
      });
    },
  };
}

let shared: HttpTransport | undefined;

/**
 * The one transport every client of this package uses unless told otherwise: a keep-alive pool per
 * origin shared by all clients of the process, so a thousand agents in one process share a few
 * dozen connections to their platform. Created on first use.
 */
export function sharedHttpTransport(): HttpTransport {
  shared ??= createUndiciTransport();
  return shared;
}
