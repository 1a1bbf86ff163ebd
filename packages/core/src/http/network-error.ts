/**
 * Error codes that prove a request never left this machine: the connection was never opened
 * (refused, no route, DNS failure, connect timeout) or the TLS handshake failed before any byte of
 * the request was written. Node/undici, Bun and Deno spell them differently; anything not listed
 * is treated as "may have been delivered".
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ConnectionRefused',
  'FailedToOpenSocket',
]);

function codeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * True when the failure (or anything in its `cause` chain, or an `AggregateError` of connection
 * attempts) shows that the request was certainly not sent, so sending it elsewhere cannot
 * duplicate it.
 */
export function certainlyNotSent(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === undefined || current === null || seen.has(current) || seen.size > 16) continue;
    seen.add(current);
    const code = codeOf(current);
    if (code !== undefined && NOT_SENT_CODES.has(code)) return true;
    if (typeof current === 'object') {
      queue.push((current as { cause?: unknown }).cause);
      const errors = (current as { errors?: unknown }).errors;
      if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => certainlyNotSent(e))) return true;
    }
  }
  return false;
}
