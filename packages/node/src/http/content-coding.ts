import { Duplex } from 'node:stream';
import {
  brotliDecompressSync,
  createBrotliDecompress,
  createGunzip,
  createInflate,
  gunzipSync,
  inflateSync,
} from 'node:zlib';

/**
 * The content codings of a response, in the order to undo them, or `null` when there is nothing
 * to undo or a coding is unknown (then the body is handed over as it came, as fetch does).
 */
export function contentCodings(value: string | string[] | null | undefined): string[] | null {
  if (value === undefined || value === null) return null;
  const codings = (typeof value === 'string' ? value : value.join(','))
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return null;
  const known = ['gzip', 'x-gzip', 'deflate', 'br'];
  return codings.every((coding) => known.includes(coding)) ? codings.reverse() : null;
}

/**
 * Undoes the codings of a whole body, producing at most `maxBytes` (undici, unlike fetch, does not
 * decode; the client caps DECODED bytes, so a small compressed bomb must not slip past the cap).
 * Returns `null` past the cap. Bounded work: the input is capped and so is the output.
 */
export function decodeWhole(body: Buffer, codings: string[], maxBytes: number): Buffer | null {
  let bytes = body;
  try {
    for (const coding of codings) {
      const options = { maxOutputLength: Math.max(1, maxBytes) };
      bytes =
        coding === 'br'
          ? brotliDecompressSync(bytes, options)
          : coding === 'deflate'
            ? inflateSync(bytes, options)
            : gunzipSync(bytes, options);
    }
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return null;
    throw error;
  }
  return bytes.length > maxBytes ? null : bytes;
}

/** A web stream of the body with its codings undone. */
export function decodeStream(
  body: ReadableStream<Uint8Array>,
  codings: string[],
): ReadableStream<Uint8Array> {
  let stream = body;
  for (const coding of codings) {
    const decoder =
      coding === 'br' ? createBrotliDecompress() : coding === 'deflate' ? createInflate() : createGunzip();
    stream = stream.pipeThrough(Duplex.toWeb(decoder) as ReadableWritablePair<Uint8Array, Uint8Array>);
  }
  return stream;
}
