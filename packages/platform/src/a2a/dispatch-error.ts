/**
 * Classifying a failed push the way `isUpstreamBusyError` does: timeouts, cancellations, EOF and
 * connection resets are "busy" (queued, 202); anything else (refused, DNS, TLS) is "unreachable"
 * (502). The text imitates Go's `Post "<url>": <cause>` error.
 */

/** A classified push failure. */
export interface DispatchFailure {
  busy: boolean;
  message: string;
}

function codeOf(e: unknown): string {
  const err = e as { code?: unknown; cause?: { code?: unknown; message?: unknown } } | null;
  const code = err?.cause?.code ?? err?.code;
  return typeof code === 'string' ? code : '';
}

/** Classifies an error thrown by `pushFetch` (or an abort of its signal). */
export function classifyDispatchError(url: string, e: unknown, abortReason: string | null): DispatchFailure {
  const prefix = `Post "${url}": `;
  if (abortReason) return { busy: true, message: prefix + abortReason };
  const err = e as { name?: string; message?: string; cause?: { message?: string } } | null;
  const name = err?.name ?? '';
  const text = `${err?.message ?? String(e)} ${err?.cause?.message ?? ''}`;
  const code = codeOf(e);
  if (name === 'AbortError' || name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return { busy: true, message: `${prefix}context deadline exceeded` };
  }
  if (code === 'ECONNRESET' || /connection reset/i.test(text)) {
    return { busy: true, message: `${prefix}read: connection reset by peer` };
  }
  if (
    code === 'UND_ERR_SOCKET' ||
    code === 'EPIPE' ||
    /\bEOF\b|other side closed|socket hang up|network connection lost/i.test(text)
  ) {
    return { busy: true, message: `${prefix}EOF` };
  }
  if (code === 'ECONNREFUSED' || /ECONNREFUSED|connection refused/i.test(text)) {
    return { busy: false, message: `${prefix}dial tcp: connect: connection refused` };
  }
  return { busy: false, message: prefix + (err?.message ?? String(e)) };
}
