/**
 * Error codes that prove a request never left this machine: the connection was never opened
 * (refused, no route, DNS failure, connect timeout) or the TLS handshake failed before any byte of
 * the request was written. Node/undici, Bun and Deno spell them differently; anything not listed
 * is treated as "may have been delivered". One anchored alternation: ECONNREFUSED, ENOTFOUND,
 * EAI_AGAIN / EAI_NONAME / EAI_FAIL, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL,
 * UND_ERR_CONNECT_TIMEOUT, ERR_INVALID_URL, ERR_TLS_CERT_ALTNAME_INVALID, CERT_HAS_EXPIRED,
 * DEPTH_ZERO_SELF_SIGNED_CERT, SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_VERIFY_LEAF_SIGNATURE,
 * UNABLE_TO_GET_ISSUER_CERT_LOCALLY, ConnectionRefused, FailedToOpenSocket.
 */
const NOT_SENT_CODE =
  /^(?:ECONNREFUSED|ENOTFOUND|EAI_(?:AGAIN|NONAME|FAIL)|E(?:HOST|NET)UNREACH|EADDRNOTAVAIL|UND_ERR_CONNECT_TIMEOUT|ERR_INVALID_URL|ERR_TLS_CERT_ALTNAME_INVALID|CERT_HAS_EXPIRED|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(?:VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT_LOCALLY)|ConnectionRefused|FailedToOpenSocket)$/;

/**
 * Deno's fetch gives no code: its `TypeError: fetch failed` has a cause whose message says which
 * phase failed, and `client error (Connect)` is the connection itself (refused, DNS, TLS
 * handshake), before any byte of the request was written.
 */
const DENO_CONNECT_FAILURE = /\bclient error \(Connect\)/;

/**
 * True when the failure (or anything in its `cause` chain, or an `AggregateError` of connection
 * attempts) shows that the request was certainly not sent, so sending it elsewhere cannot
 * duplicate it. The walk stops 16 levels deep, so a cyclic chain ends.
 */
export function certainlyNotSent(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 16) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  return (
    (typeof code === 'string' && NOT_SENT_CODE.test(code)) ||
    (typeof message === 'string' && DENO_CONNECT_FAILURE.test(message)) ||
    certainlyNotSent(cause, depth + 1) ||
    (Array.isArray(errors) && errors.length > 0 && errors.every((item) => certainlyNotSent(item, depth + 1)))
  );
}
