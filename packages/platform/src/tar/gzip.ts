/**
 * gzip through the Web `CompressionStream` (Node, Bun and workerd all have it), with the header
 * normalised to what Go's `gzip.NewWriter` writes: MTIME 0, XFL 0, OS 255 (unknown).
 * The header is outside the CRC, so rewriting those bytes keeps the stream valid.
 */

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const buf = new Uint8Array(await new Response(stream).arrayBuffer());
  return buf;
}

/** Compresses bytes into a single gzip member. */
export async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  const out = await collect(stream as ReadableStream<Uint8Array>);
  if (out.length >= 10) {
    out[4] = 0;
    out[5] = 0;
    out[6] = 0;
    out[7] = 0;
    out[8] = 0;
    out[9] = 255;
  }
  return out;
}

/** Decompresses a gzip stream (tests and fault helpers). */
export async function gunzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return collect(stream as ReadableStream<Uint8Array>);
}
