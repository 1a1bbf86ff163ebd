import { readCappedStream } from '../util/read-capped-stream.js';

/** The result of {@link readCappedBody}: the bytes, or `too-large` once the cap is passed. */
export type CappedBody = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too-large' };

/**
 * Reads a request body while counting bytes, and stops (cancelling the stream) as soon as it
 * passes `maxBytes`. `Content-Length` is used only to refuse early, never trusted to be honest.
 */
export async function readCappedBody(request: Request, maxBytes: number): Promise<CappedBody> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await request.body?.cancel().catch(() => {});
    return { ok: false, reason: 'too-large' };
  }
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  const bytes = await readCappedStream(request.body, maxBytes);
  return bytes === undefined ? { ok: false, reason: 'too-large' } : { ok: true, bytes };
}
