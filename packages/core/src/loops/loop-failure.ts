import { AbortError, ApiError, ConnectionError, InvalidResponseError, RateLimitError } from '../errors.js';

/**
 * What kind of trouble an operation of a loop ran into, which decides how soon to try again.
 *
 * - `unreachable`: no answer, a 5xx, a 408, or an empty 404 (a misrouting proxy, not a deletion).
 * - `rate-limited`: 429; `retryAfterMs` is the server's wish when it gave a sane one.
 * - `unauthorized`: 401. On `/state` a persistent one means revoked or deleted.
 * - `rejected`: any other 4xx (our request was wrong; retrying fast will not help).
 * - `invalid-response`: the answer did not have the promised shape.
 * - `aborted`: the caller's signal fired.
 * - `unexpected`: anything else (a bug, an exception from user code).
 */
export type LoopFailureKind =
  | 'unreachable'
  | 'rate-limited'
  | 'unauthorized'
  | 'rejected'
  | 'invalid-response'
  | 'aborted'
  | 'unexpected';

/** A classified failure. Plain data: no error object, so it is safe to keep in a Worker's state. */
export interface LoopFailure {
  kind: LoopFailureKind;
  /** HTTP status when there was one. */
  status?: number;
  retryAfterMs?: number;
}

/** Maps any thrown value to a {@link LoopFailure}. */
export function classifyLoopFailure(error: unknown): LoopFailure {
  if (error instanceof AbortError) return { kind: 'aborted' };
  if (error instanceof DOMException && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return { kind: error.name === 'AbortError' ? 'aborted' : 'unreachable' };
  }
  if (error instanceof RateLimitError) {
    return error.retryAfterMs === undefined
      ? { kind: 'rate-limited', status: 429 }
      : { kind: 'rate-limited', status: 429, retryAfterMs: error.retryAfterMs };
  }
  if (error instanceof ApiError) {
    const status = error.status;
    if (status === 429) return { kind: 'rate-limited', status };
    if (status === 401) return { kind: 'unauthorized', status };
    if (status >= 500 || status === 408 || status === 404) return { kind: 'unreachable', status };
    return { kind: 'rejected', status };
  }
  if (error instanceof ConnectionError) return { kind: 'unreachable' };
  if (error instanceof InvalidResponseError) return { kind: 'invalid-response' };
  return { kind: 'unexpected' };
}
