/**
 * The response model used inside the simulator, and helpers that write what gin writes.
 */
import { goJson } from './go-json.js';

/** A response under construction; turned into a web `Response` at the very end. */
export interface SimResponse {
  status: number;
  headers: Headers;
  body: Uint8Array | ReadableStream<Uint8Array> | null;
}

const utf8 = new TextEncoder();

/** gin `c.JSON(status, value)`: sorted keys, HTML-escaped, `application/json; charset=utf-8`. */
export function jsonResponse(status: number, value: unknown, headers?: HeadersInit): SimResponse {
  const h = new Headers(headers);
  h.set('Content-Type', 'application/json; charset=utf-8');
  return { status, headers: h, body: utf8.encode(goJson(value)) };
}

/** `{"error": message}` with the given status. */
export function errorResponse(status: number, message: string, extra?: Record<string, unknown>): SimResponse {
  return jsonResponse(status, { error: message, ...extra });
}

/** gin `c.Data(status, contentType, bytes)`. */
export function dataResponse(status: number, contentType: string, body: Uint8Array): SimResponse {
  const h = new Headers();
  h.set('Content-Type', contentType);
  return { status, headers: h, body };
}

/** `c.AbortWithStatus(status)`: no body, no content type. */
export function emptyResponse(status: number): SimResponse {
  return { status, headers: new Headers(), body: null };
}

/** gin's default 404 for an unknown route. */
export function notFoundText(): SimResponse {
  return dataResponse(404, 'text/plain', utf8.encode('404 page not found'));
}

const STATUS_TEXT: Record<number, string> = {
  100: 'Continue',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  206: 'Partial Content',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  418: "I'm a teapot",
  422: 'Unprocessable Entity',
  425: 'Too Early',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Go's `http.StatusText` ("" for unknown codes). */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? '';
}

/** Converts the internal response into a web `Response`. */
export function toWebResponse(res: SimResponse): Response {
  const nullBody = res.status === 204 || res.status === 304 || res.status === 101;
  const headers = new Headers(res.headers);
  if (res.body instanceof Uint8Array && !nullBody && !headers.has('Content-Length')) {
    headers.set('Content-Length', String(res.body.byteLength));
  }
  return new Response(nullBody ? null : (res.body as BodyInit | null), { status: res.status, headers });
}
