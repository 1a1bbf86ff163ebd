/**
 * Request recording: everything that went over the wire, secrets removed, for assertions.
 */

/** One request the simulator saw. */
export interface RecordedRequest {
  /** 1-based sequence number. */
  seq: number;
  /** Clock time (epoch ms) when the request arrived. */
  at: number;
  method: string;
  /** Decoded path, e.g. `/workspaces/<id>/state`. */
  path: string;
  /** Query parameters (first value of each). */
  query: Record<string, string>;
  /** The raw query string without `?`. */
  rawQuery: string;
  /**
   * Lowercased request headers. `authorization`, `proxy-authorization`, `cookie` and
   * `set-cookie` are redacted: `"Bearer [redacted]"` keeps the scheme word so tests can
   * still assert that (and how) a credential was sent.
   */
  headers: Record<string, string>;
  /** Request body as UTF-8 text ("" when empty). */
  body: string;
  /** The body parsed as JSON, when it parses. */
  json?: unknown;
  /** Client IP used for rate limiting. */
  ip: string;
  /** Response status; 0 when the connection was reset by a fault. */
  status: number;
  /** Lowercased response headers. */
  responseHeaders: Record<string, string>;
  /** Labels of the faults applied to this request. */
  faults: string[];
}

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** Masks a credential header, keeping a leading scheme word (`Bearer`, `Basic`, …). */
export function redactHeaderValue(value: string): string {
  const m = /^([A-Za-z][A-Za-z0-9._~+/-]*) \S/.exec(value);
  return m ? `${m[1]} [redacted]` : '[redacted]';
}

/** Headers as a plain object with secrets redacted. */
export function recordHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = SECRET_HEADERS.has(key) ? redactHeaderValue(value) : value;
  });
  return out;
}

/** Query parameters as a plain object (first value wins). */
export function recordQuery(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  params.forEach((value, key) => {
    if (!(key in out)) out[key] = value;
  });
  return out;
}
