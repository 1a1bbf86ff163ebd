import {
  ApiError,
  type ApiErrorInit,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  CursorLostError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  UnprocessableEntityError,
} from '../errors.js';
import type { ResponseHeaders } from '../ports/http-transport.js';
import { redact, redactText } from '../util/redact.js';
import { cappedRetryAfter, rawRetryAfter } from './retry-after.js';

/** What the factory needs to know about a failed response. */
export interface FailedResponse {
  status: number;
  method: string;
  /** The request path, without query string. */
  path: string;
  headers: ResponseHeaders;
  /** Parsed JSON, or text, or `undefined` for an empty body. */
  body: unknown;
  /** Now, for a `Retry-After` HTTP date on a 429. */
  nowMs: number;
}

function describe(body: unknown): string {
  const error = (body as { error?: unknown } | null | undefined)?.error;
  if (typeof error === 'string' && error !== '') return `: ${redactText(error).slice(0, 200)}`;
  if (typeof body === 'string' && body.trim() !== '') return `: ${redactText(body.trim()).slice(0, 200)}`;
  return body === undefined ? ' (empty body)' : '';
}

/**
 * The one place that maps an HTTP status to an error class. The body is kept (redacted) so that
 * callers can look at fields such as `deleted` or `retry_after`; the message says method, path,
 * status and the server's own `error` text.
 */
export function apiErrorFromResponse(response: FailedResponse): ApiError {
  const { status, method, path } = response;
  const body = redact(response.body);
  const message = `${method} ${path} failed with ${status}${describe(body)}`;
  const init: ApiErrorInit = { status, method, path, body };
  if (status === 429) {
    return new RateLimitError(message, {
      ...init,
      retryAfterMs: cappedRetryAfter(response.headers, response.nowMs),
      retryAfter: rawRetryAfter(response.headers),
    });
  }
  const ErrorClass = ERROR_CLASS_BY_STATUS[status] ?? (status >= 500 ? ServerError : ApiError);
  return new ErrorClass(message, init);
}

const ERROR_CLASS_BY_STATUS: Record<number, typeof ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  410: CursorLostError,
  413: PayloadTooLargeError,
  422: UnprocessableEntityError,
};
