import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AbortError, ConnectionError, UnsafeArchiveError } from '../../src/errors.js';
import { gunzipWithLimits } from '../../src/plugins/gunzip.js';
import { readAllBytes, streamOfBytes } from '../../src/testing/test-archives.js';

const roomy = { maxCompressedBytes: 1 << 30, maxDecompressedBytes: 1 << 30 };

describe('gunzipWithLimits', () => {
  it('decompresses and reports compressed bytes as they arrive', async () => {
    const plain = new Uint8Array(200_000).map((_, i) => i % 13);
    const gz = gzipSync(plain);
    const totals: number[] = [];
    const out = await readAllBytes(
      gunzipWithLimits(streamOfBytes(gz, 1000), {
        ...roomy,
        onCompressedBytes: (total) => totals.push(total),
      }),
    );
    expect(out).toEqual(plain);
    expect(totals.at(-1)).toBe(gz.length);
    expect(totals.length).toBe(Math.ceil(gz.length / 1000));
  });

  it('stops a gzip bomb at the decompressed cap long before the end', async () => {
    // 256 MiB of zeros, 255 KiB compressed: Node 22 and later read up to 64 KiB of compressed input
    // ahead of the decompressor, so a smaller bomb would be read whole before the cap could show.
    const bomb = gzipSync(new Uint8Array(256 * 1024 * 1024));
    let pulled = 0;
    const source = streamOfBytes(bomb, 1024).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          pulled += chunk.length;
          controller.enqueue(chunk);
        },
      }),
    );
    const error = await readAllBytes(
      gunzipWithLimits(source, { maxCompressedBytes: 1 << 30, maxDecompressedBytes: 1024 * 1024 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect(error).toMatchObject({ rule: 'max-decompressed-bytes' });
    expect((error as Error).message).toContain('1048576');
    expect(pulled).toBeLessThan(bomb.length / 2);
  });

  it('stops at the compressed cap while counting, without reading the rest', async () => {
    const gz = gzipSync(crypto.getRandomValues(new Uint8Array(60_000)));
    const error = await readAllBytes(
      gunzipWithLimits(streamOfBytes(gz, 4096), {
        maxCompressedBytes: 10_000,
        maxDecompressedBytes: 1 << 30,
      }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ rule: 'max-compressed-bytes' });
  });

  it.each([
    ['not gzip at all', new TextEncoder().encode('<html>502 Bad Gateway</html>')],
    ['truncated', gzipSync(crypto.getRandomValues(new Uint8Array(60_000))).subarray(0, 2000)],
    [
      'missing trailer',
      (() => {
        const gz = gzipSync(new Uint8Array(1000).fill(1));
        return gz.subarray(0, gz.length - 4);
      })(),
    ],
    [
      'bad CRC',
      (() => {
        const gz = gzipSync(new Uint8Array(1000).fill(1));
        gz[gz.length - 6]! ^= 1;
        return gz;
      })(),
    ],
  ])('types corrupt input (%s) as UnsafeArchiveError corrupt-gzip', async (_label, bytes) => {
    const error = await readAllBytes(gunzipWithLimits(streamOfBytes(bytes, 64), roomy)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect(error).toMatchObject({ rule: 'corrupt-gzip' });
  });

  it('types a failing source as ConnectionError', async () => {
    const gz = gzipSync(new Uint8Array(100_000));
    let sent = false;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new TypeError('terminated'));
        sent = true;
        controller.enqueue(gz.subarray(0, 100));
      },
    });
    const error = await readAllBytes(gunzipWithLimits(source, roomy)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it('aborts a stalled download at once when the signal fires', async () => {
    let cancelled = false;
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(gzipSync(new Uint8Array(10)).subarray(0, 5));
      },
      cancel() {
        cancelled = true;
      },
    });
    const controller = new AbortController();
    const reading = readAllBytes(gunzipWithLimits(stalled, { ...roomy, signal: controller.signal })).catch(
      (e: unknown) => e,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new Error('user gave up'));
    expect(await reading).toBeInstanceOf(AbortError);
    expect(cancelled).toBe(true);
  });
  it('a read followed at once by a cancel (an archive refused mid-read) never throws an uncaught error', async () => {
    // Node's DecompressionStream resumes zlib in a nextTick; a cancel in that window used to make the
    // resumed stream write into the closed controller: an uncaught exception that ends the process.
    const gz = gzipSync(new Uint8Array(8 * 1024 * 1024).fill(7));
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => {
      uncaught.push(error);
    };
    process.on('uncaughtException', onUncaught);
    try {
      for (let round = 0; round < 60; round++) {
        const reader = gunzipWithLimits(streamOfBytes(gz, 4096), roomy).getReader();
        await reader.read();
        for (let wait = 0; wait < round % 5; wait++) await new Promise((resolve) => setImmediate(resolve));
        void reader.read().catch(() => {});
        await reader.cancel(new Error('refused'));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
  });
});
