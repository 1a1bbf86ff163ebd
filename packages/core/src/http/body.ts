import { InvalidResponseError } from '../errors.js';
import { readCappedStream } from '../util/read-capped-stream.js';

/** What a response body turned out to be. */
export type BodyKind = 'empty' | 'json' | 'text';

export interface ParsedBody {
  kind: BodyKind;
  /** The JSON value, the text, or `undefined` when empty. */
  value: unknown;
}

/**
 * Reads a whole body, refusing more than `maxBytes` (a hostile server cannot exhaust memory).
 * Must be called while the attempt's signal is live, so a stalled body times out.
 */
export async function readBodyText(response: Response, maxBytes: number, source: string): Promise<string> {
  const body = response.body;
  if (body === null) return '';
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d{1,15}$/.test(declared) && Number(declared) <= maxBytes) {
    // The length is known and small enough; the fetch implementation enforces it, so the fast path is safe.
    return response.text();
  }
  const bytes = await readCappedStream(body, maxBytes);
  if (bytes === undefined) {
    throw new InvalidResponseError(`response body is larger than ${maxBytes} bytes`, { source });
  }
  return new TextDecoder().decode(bytes);
}

/**
 * Parses body text without trusting it: empty (or whitespace) stays empty and is never handed to
 * `JSON.parse` (TenantGuard 404s and CORS 403s have no body); text that is not JSON stays text.
 */
export function parseBodyText(text: string): ParsedBody {
  if (text.trim() === '') return { kind: 'empty', value: undefined };
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch {
    return { kind: 'text', value: text.length > 500 ? `${text.slice(0, 500)}…` : text };
  }
}
