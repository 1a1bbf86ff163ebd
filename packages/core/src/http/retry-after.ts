import type { ResponseHeaders } from '../ports/http-transport.js';

/**
 * Reading a server's "wait this long" headers. Every value comes from the network, so anything
 * that is not a sane, non-negative number (or a future HTTP date) is ignored, never thrown:
 * the caller then falls back to its own backoff. Capping is the retry policy's job.
 */

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseDecimal(value: string): number | undefined {
  if (!DECIMAL.test(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Parses a `Retry-After` value into milliseconds.
 *
 * - delta-seconds, integer or fractional, rounded **up** to whole seconds as the Python SDK does
 *   (`"2.7"` → 3000, `"0"` → 0);
 * - an HTTP date in the future → the milliseconds until then (rounded up);
 * - `nan`, `inf`, negative numbers, past dates, empty or malformed values → `undefined`.
 *
 * Huge values are returned as they are (finite); the policy caps them.
 */
export function parseRetryAfterValue(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const seconds = parseDecimal(text);
  if (seconds !== undefined) {
    const ms = Math.ceil(seconds) * 1000;
    return Number.isFinite(ms) ? ms : undefined;
  }
  // An HTTP date always has letters (day or month names); this keeps Date.parse's leniency
  // (it reads "12" as a year) away from plain garbage.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (!Number.isFinite(at) || !Number.isFinite(nowMs)) return undefined;
  const delta = at - nowMs;
  return delta >= 0 ? Math.ceil(delta) : undefined;
}

/**
 * The longest server-requested delay an error exposes as `retryAfterMs`: one hour. A hostile or
 * broken server may say `1e300` or a date in the year 9999; the raw header stays on the error.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** {@link parseRetryAfter} capped at {@link MAX_RETRY_AFTER_MS}: what errors expose. */
export function cappedRetryAfter(headers: ResponseHeaders, nowMs: number): number | undefined {
  const ms = parseRetryAfter(headers, nowMs);
  return ms === undefined ? undefined : Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** The raw `Retry-After-Ms` / `Retry-After` header as the server sent it (cut to 100 characters). */
export function rawRetryAfter(headers: ResponseHeaders): string | undefined {
  const raw = headers.get('retry-after-ms') ?? headers.get('retry-after');
  return raw === null ? undefined : raw.slice(0, 100);
}

/**
 * The server-requested delay of a response in milliseconds: `Retry-After-Ms` (float ms) when it
 * is sane, else `Retry-After` (see {@link parseRetryAfterValue}), else `undefined`.
 */
export function parseRetryAfter(headers: ResponseHeaders, nowMs: number): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null) {
    const parsed = parseDecimal(ms.trim());
    if (parsed !== undefined) return Math.ceil(parsed);
  }
  return parseRetryAfterValue(headers.get('retry-after'), nowMs);
}
