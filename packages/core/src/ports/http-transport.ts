/** The response headers a transport hands back; `Headers` satisfies it. Names are case-insensitive. */
export interface ResponseHeaders {
  /** The header's value (repeated headers joined with `", "`), or `null` when absent. */
  get(name: string): string | null;
}

/**
 * One HTTP attempt, fully decided by the client: absolute URL, final headers (the bearer only when
 * the URL is the platform's origin), body bytes and the attempt's signal (timeout and caller).
 */
export interface TransportRequest {
  method: 'GET' | 'POST';
  /** Absolute http(s) URL, query included. */
  url: string;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | undefined;
  /**
   * The caller's signal (often a loop's, living far longer than one attempt): once it fires, reject
   * (or error the body stream). Stop listening when the attempt ends, the streamed body included.
   */
  signal: AbortSignal | undefined;
  /**
   * The attempt's time limit in ms, counted from `send`: in `'text'` mode for the whole answer, in
   * `'stream'` mode until the headers. Past it, reject (or error the stream) with an error named
   * `TimeoutError` (as `AbortSignal.timeout` does). The transport keeps the timer: it knows when an
   * attempt ends and can watch many with one timer.
   */
  timeoutMs: number;
  /**
   * `'text'`: resolve once the whole body is in, as `text`. `'stream'`: resolve once the headers are
   * in, with the unread body as `body`.
   */
  read: 'text' | 'stream';
  /** In `'text'` mode: stop reading past this many bytes and answer `text: null`. */
  maxBodyBytes: number;
}

/** What came back from one attempt. */
export interface TransportResponse {
  status: number;
  headers: ResponseHeaders;
  /** `'text'` mode: the body decoded as UTF-8, or `null` when it passed `maxBodyBytes`. */
  text: string | null;
  /** `'stream'` mode: the unread body (`null` when there is none). */
  body: ReadableStream<Uint8Array> | null;
}

/**
 * How the client sends HTTP: one attempt per call, no retries, no redirects followed (a 3xx is
 * answered as it is), no cookies. Retries, timeouts and credentials are decided by the client, so a
 * transport only moves bytes. Core's default wraps `fetch`; Node's wraps an undici connection pool.
 * A failure before an answer rejects with the underlying error (its `code` / `cause` chain tells
 * the client whether the request certainly never left).
 */
export interface HttpTransport {
  send(request: TransportRequest): Promise<TransportResponse>;
}
