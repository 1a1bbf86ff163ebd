import { describe, expect, it } from 'vitest';
import { UnsafeArchiveError } from '../../src/errors.js';
import { failWhenIdle } from '../../src/http/idle-timeout.js';
import { gunzipWithLimits } from '../../src/plugins/gunzip.js';
import { readTarEntries } from '../../src/plugins/tar-reader.js';
import { buildTestTar, concatBytes } from '../../src/testing/test-archives.js';

/** A byte stream (`type: 'bytes'`) over `data`, at most `piece` bytes per read, filling the reader's buffer. */
function byteStreamOf(data: Uint8Array, piece: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    type: 'bytes',
    autoAllocateChunkSize: 1024,
    pull(controller) {
      const request = controller.byobRequest;
      if (!request?.view) return;
      if (offset >= data.length) {
        controller.close();
        request.respond(0);
        return;
      }
      const view = new Uint8Array(request.view.buffer, request.view.byteOffset, request.view.byteLength);
      const n = Math.min(piece, view.length, data.length - offset);
      view.set(data.subarray(offset, offset + n));
      offset += n;
      request.respond(n);
    },
  }) as ReadableStream<Uint8Array>;
}

function pattern(size: number, seed = 0): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 29 + seed + (i >> 10)) & 0xff;
  return data;
}

/** Reads with a BYOB reader into one buffer; returns a copy of the bytes and the buffer sizes seen. */
async function readIntoOneBuffer(
  stream: ReadableStream<Uint8Array>,
  size: number,
): Promise<{ bytes: Uint8Array; sizes: number[] }> {
  const reader = stream.getReader({ mode: 'byob' });
  let buffer = new ArrayBuffer(size);
  const parts: Uint8Array[] = [];
  const sizes = new Set<number>();
  for (;;) {
    const { done, value } = await reader.read(new Uint8Array(buffer));
    if (done) break;
    parts.push(value.slice()); // a copy: the buffer is reused by the next read
    sizes.add(value.buffer.byteLength);
    buffer = value.buffer as ArrayBuffer;
  }
  return { bytes: concatBytes(parts), sizes: [...sizes] };
}

const identity = (stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> => stream;

describe('byte streams through the download and gunzip relays', () => {
  it('a BYOB read goes through the caps and the idle timeout into the reader’s own buffer', async () => {
    const data = pattern(50_000);
    const totals: number[] = [];
    const relayed = gunzipWithLimits(
      failWhenIdle(byteStreamOf(data, 3000), 1000, () => new Error('stalled')),
      {
        maxCompressedBytes: 1 << 20,
        maxDecompressedBytes: 1 << 20,
        onCompressedBytes: (total) => totals.push(total),
        decompress: identity,
      },
    );
    const { bytes, sizes } = await readIntoOneBuffer(relayed, 2048);
    expect(bytes).toEqual(data);
    expect(sizes).toEqual([2048]);
    expect(totals.at(-1)).toBe(data.length);
  });

  it('a default reader of the same relays gets chunks of its own', async () => {
    const data = pattern(10_000, 3);
    const relayed = gunzipWithLimits(byteStreamOf(data, 700), {
      maxCompressedBytes: 1 << 20,
      maxDecompressedBytes: 1 << 20,
      decompress: identity,
    });
    const kept: Uint8Array[] = [];
    const reader = relayed.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) kept.push(next.value);
    expect(concatBytes(kept)).toEqual(data);
  });

  it('the caps still hold for a BYOB reader', async () => {
    const relayed = gunzipWithLimits(byteStreamOf(pattern(100_000), 4096), {
      maxCompressedBytes: 1 << 20,
      maxDecompressedBytes: 30_000,
      decompress: identity,
    });
    const error = await readIntoOneBuffer(relayed, 4096).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect((error as UnsafeArchiveError).rule).toBe('max-decompressed-bytes');
  });

  it('a stalled byte stream fails with the idle error', async () => {
    const stalled = new ReadableStream({
      type: 'bytes',
      pull: () => new Promise<void>(() => {}),
    }) as ReadableStream<Uint8Array>;
    const error = await readIntoOneBuffer(
      failWhenIdle(stalled, 30, () => new Error('no data for 30 ms')),
      1024,
    ).catch((failure: unknown) => failure);
    expect((error as Error).message).toBe('no data for 30 ms');
  });
});

describe('the tar reader over a byte stream (one reused buffer)', () => {
  const entries = [
    { name: 'a.bin', content: pattern(70_000, 1) },
    { name: 'b.bin', content: pattern(300_000, 2) },
    { name: 'c.txt', content: 'small' },
  ];
  const tar = buildTestTar(entries);

  it('readAll hands out copies that stay intact while later entries are read', async () => {
    const kept: Uint8Array[][] = [];
    for await (const entry of readTarEntries(byteStreamOf(tar, 5000))) kept.push(await entry.readAll());
    const joined = kept.map((chunks) => concatBytes(chunks));
    expect(joined[0]).toEqual(entries[0]?.content);
    expect(joined[1]).toEqual(entries[1]?.content);
    expect(new TextDecoder().decode(joined[2])).toBe('small');
  });

  it('readChunk gives each piece in turn, to be used before the next read', async () => {
    const seen: number[][] = [];
    for await (const entry of readTarEntries(byteStreamOf(tar, 5000))) {
      const bytes: number[] = [];
      for (let piece = await entry.readChunk(); piece !== null; piece = await entry.readChunk())
        bytes.push(...piece);
      seen.push(bytes);
    }
    expect(Uint8Array.from(seen[0] ?? [])).toEqual(entries[0]?.content);
    expect(Uint8Array.from(seen[1] ?? [])).toEqual(entries[1]?.content);
    expect(seen[2]?.length).toBe(5);
  });
});
