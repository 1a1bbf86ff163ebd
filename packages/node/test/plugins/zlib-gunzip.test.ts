import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { AbortError, ConnectionError, UnsafeArchiveError } from '@molecule-ai/agent-core';
import { gunzipWithLimits } from '@molecule-ai/agent-core/plugins';
import { readAllBytes } from '@molecule-ai/agent-core/testing';
import { describe, expect, it } from 'vitest';
import { createZlibGunzip } from '../../src/plugins/zlib-gunzip.js';
import { bytesStream } from './helpers.js';

const roomy = { maxCompressedBytes: 1 << 30, maxDecompressedBytes: 1 << 30, decompress: createZlibGunzip() };

/** A source that counts how many bytes were pulled from it. */
function countedSource(
  bytes: Uint8Array,
  chunk: number,
): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let offset = 0;
  return {
    pulled: () => offset,
    stream: new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(offset, offset + chunk));
        offset += chunk;
      },
    }),
  };
}

describe('createZlibGunzip', () => {
  it('decompresses exactly what gzip compressed, in large chunks', async () => {
    const plain = Buffer.concat([
      randomBytes(1024 * 1024 + 11),
      Buffer.alloc(2 * 1024 * 1024, 'plugin text '),
    ]);
    const chunks: number[] = [];
    const stream = gunzipWithLimits(bytesStream(gzipSync(plain), 7000), roomy);
    const reader = stream.getReader();
    const parts: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value.length);
      parts.push(value);
    }
    expect(Buffer.concat(parts).equals(plain)).toBe(true);
    expect(Math.max(...chunks)).toBe(512 * 1024);
  });

  it('reads its input only as fast as its output is read (memory stays flat)', async () => {
    const member = gzipSync(new Uint8Array(64 * 1024 * 1024));
    const gz = Buffer.concat([member, member, member, member]); // 256 MiB of zeros, four gzip members
    const source = countedSource(gz, 1024);
    const reader = gunzipWithLimits(source.stream, roomy).getReader();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // One 512 KiB output chunk of zeros needs ~520 compressed bytes; only zlib's small input buffer is read ahead.
    expect(source.pulled()).toBeLessThan(64 * 1024);
    expect(source.pulled()).toBeLessThan(gz.length / 8);
    await reader.cancel();
  });

  it('stops a bomb at the decompressed cap', async () => {
    const gz = gzipSync(new Uint8Array(64 * 1024 * 1024));
    const error = await readAllBytes(
      gunzipWithLimits(bytesStream(gz, 1024), { ...roomy, maxDecompressedBytes: 1024 * 1024 }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ rule: 'max-decompressed-bytes' });
  });

  it.each([
    ['not gzip', new TextEncoder().encode('<html>oops</html>')],
    ['truncated', gzipSync(randomBytes(100_000)).subarray(0, 5000)],
  ])('reports %s input as UnsafeArchiveError corrupt-gzip', async (_label, bytes) => {
    const error = await readAllBytes(gunzipWithLimits(bytesStream(bytes, 512), roomy)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect(error).toMatchObject({ rule: 'corrupt-gzip' });
  });

  it('passes a dropped connection through as ConnectionError', async () => {
    const gz = gzipSync(randomBytes(200_000));
    let sent = false;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new TypeError('terminated'));
        sent = true;
        controller.enqueue(gz.subarray(0, 4000));
      },
    });
    expect(await readAllBytes(gunzipWithLimits(source, roomy)).catch((e: unknown) => e)).toBeInstanceOf(
      ConnectionError,
    );
  });

  it('stops at once when aborted', async () => {
    const controller = new AbortController();
    const stalled = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(gzipSync(randomBytes(1000)).subarray(0, 10));
      },
    });
    const reading = readAllBytes(gunzipWithLimits(stalled, { ...roomy, signal: controller.signal })).catch(
      (e: unknown) => e,
    );
    setTimeout(() => controller.abort(new Error('stop')), 20);
    expect(await reading).toBeInstanceOf(AbortError);
  });
});
