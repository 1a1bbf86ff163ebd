/** The Python SDK's bucket width: identical tasks within one UTC minute share a key. */
const BUCKET_SECONDS = 60;

/** Lowercase hex SHA-256 of a UTF-8 string (Web Crypto, so it runs on every host). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * The Python SDK's `make_idempotency_key`: lowercase hex SHA-256 of `"<task>:<t>"`, where `t` is
 * the Unix time in whole seconds floored to a multiple of 60. Same task in the same minute ⇒ same
 * key (the platform then returns the existing delegation instead of starting a second one).
 *
 * Vector: `"index the docs"` at 1700000019.9 s → payload `"index the docs:1699999980"` →
 * `110baf90e8f464306fcfa735280c62aa8b6481797d306cc62dcb565e21d529cf`.
 */
export function makeIdempotencyKey(task: string, nowMs: number): Promise<string> {
  const seconds = Math.floor(nowMs / 1000);
  const bucket = seconds - (((seconds % BUCKET_SECONDS) + BUCKET_SECONDS) % BUCKET_SECONDS);
  return sha256Hex(`${task}:${bucket}`);
}
