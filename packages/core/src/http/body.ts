import { readCappedStream } from '../util/read-capped-stream.js';
import { declaredContentLength } from './headers.js';

/** What a response body turned out to be. */
export type BodyKind = 'empty' | 'json' | 'text';

export interface ParsedBody {
  kind: BodyKind;
  /** The JSON value, the text, or `undefined` when empty. */
  value: unknown;
}

/** `10 MiB` for 10485760: how a cap is named in messages. */
export function describeByteCap(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * Reads a whole body as UTF-8, refusing more than `maxBytes` (a hostile server cannot exhaust
 * memory): `null` once the cap is passed. The bytes counted are the DECODED ones: fetch inflates
 * gzip and br transparently, so a declared `Content-Length` counts compressed bytes and says
 * nothing about what reaches memory. Reading stops (and the stream is cancelled) as soon as the
 * cap is passed. Must be called while the attempt's signal is live, so a
 * stalled body times out.
 */
export async function readBodyText(response: Response, maxBytes: number): Promise<string | null> {
  const body = response.body;
  if (body === null) return '';
  if (declaredWithin(response.headers, maxBytes)) return response.text();
  const bytes = await readCappedStream(body, maxBytes);
  return bytes === undefined ? null : new TextDecoder().decode(bytes);
}

/**
 * Whether the body is declared, uncoded, to be at most `maxBytes`: then the bytes that reach memory
 * are the declared ones (fetch ends the body at its `Content-Length`), and the host's reader may
 * take it whole, which costs far less than reading it piece by piece (most in workerd).
 */
function declaredWithin(headers: Headers, maxBytes: number): boolean {
  const coding = headers.get('content-encoding');
  if (coding !== null && coding.trim().toLowerCase() !== 'identity') return false;
  const length = declaredContentLength(headers);
  return length !== null && length <= maxBytes;
}

/**
 * Parses body text without trusting it: empty (or whitespace) stays empty and is never handed to
 * `JSON.parse` (TenantGuard 404s and CORS 403s have no body); text that is not JSON stays text.
 */
export function parseBodyText(text: string): ParsedBody {
  // JSON bodies start with `{` or `[` almost always: skip the whitespace scan of trim() for them.
  const first = text.charCodeAt(0);
  if (first !== 0x7b && first !== 0x5b && text.trim() === '') return { kind: 'empty', value: undefined };
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch {
    return { kind: 'text', value: text.length > 500 ? `${text.slice(0, 500)}…` : text };
  }
}
