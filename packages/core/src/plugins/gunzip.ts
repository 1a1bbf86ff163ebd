import { AbortError, ConnectionError, isMoleculeError, UnsafeArchiveError } from '../errors.js';
import { relayStream } from '../util/byte-relay.js';

/**
 * Turns a gzip byte stream into the decompressed bytes. It must read its input only as fast as its
 * output is read (so memory stays flat) and should error on corrupt input. The default is
 * `DecompressionStream`; a host may pass a faster one (Node: `createZlibGunzip`).
 */
export type Decompressor = (gzip: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;

/** Byte caps for {@link gunzipWithLimits}. */
export interface GunzipLimits {
  /** Most compressed bytes read from the source before aborting. */
  maxCompressedBytes: number;
  /** Most decompressed bytes produced before aborting (the gzip-bomb guard). */
  maxDecompressedBytes: number;
  /** Called with the running total of compressed bytes each time a chunk arrives. */
  onCompressedBytes?: (total: number) => void;
  /** Aborting stops the download at once (even a stalled one) with an `AbortError`. */
  signal?: AbortSignal;
  /** How to gunzip. Default `DecompressionStream`. The caps are counted around it either way. */
  decompress?: Decompressor;
}

/**
 * Decompresses a gzip stream (with `DecompressionStream('gzip')` unless `limits.decompress` says
 * otherwise), counting bytes on both sides as
 * they flow and aborting as soon as either cap is passed, so neither a huge download nor a gzip
 * bomb is ever fully read. Errors come out typed: a cap is an `UnsafeArchiveError` with rule
 * `max-compressed-bytes` or `max-decompressed-bytes`; bad gzip (wrong magic, bad CRC, truncated)
 * is `corrupt-gzip`; an error of the source itself (a dropped connection) becomes a
 * `ConnectionError` unless it already is an SDK error.
 */
export function gunzipWithLimits(
  source: ReadableStream<Uint8Array>,
  limits: GunzipLimits,
): ReadableStream<Uint8Array> {
  const compressed = countingStream(source, {
    max: limits.maxCompressedBytes,
    rule: 'max-compressed-bytes',
    what: 'compressed',
    ...(limits.onCompressedBytes ? { onTotal: limits.onCompressedBytes } : {}),
    ...(limits.signal ? { signal: limits.signal } : {}),
    mapError: (error) =>
      isMoleculeError(error)
        ? error
        : new ConnectionError('the plugin download was interrupted', { cause: error }),
  });
  const decompress = limits.decompress ?? decompressWithDecompressionStream;
  return countingStream(decompress(compressed), {
    // Large pieces for a reader that brings no buffer: far fewer steps through the tar reader.
    autoAllocateBytes: 512 * 1024,
    max: limits.maxDecompressedBytes,
    rule: 'max-decompressed-bytes',
    what: 'decompressed',
    mapError: (error) =>
      isMoleculeError(error)
        ? error
        : new UnsafeArchiveError('the plugin archive is not valid gzip (corrupt or truncated)', {
            rule: 'corrupt-gzip',
            cause: error,
          }),
  });
}

/**
 * Feeds `DecompressionStream('gzip')` one chunk at a time, waiting for each write to be taken.
 * `pipeThrough` would not do: Node's DecompressionStream queues up to 16,384 *chunks* on its
 * writable side, so a fast download would pile up in memory ahead of a slow disk. A write here
 * completes only once zlib has consumed the chunk, which it does only as its output is read.
 */
export function decompressWithDecompressionStream(
  compressed: ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  const gunzip = new DecompressionStream('gzip');
  const writer = gunzip.writable.getWriter();
  const reader = compressed.getReader();
  void (async (): Promise<void> => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await writer.write(value as Uint8Array<ArrayBuffer>);
      }
      await writer.close();
    } catch (error) {
      await writer.abort(error).catch(() => {});
      await reader.cancel(error).catch(() => {});
    }
  })();
  return cancelAfterPendingReads(gunzip.readable);
}

/**
 * Re-emits `output` but hands a cancel on only after one macrotask. Node's DecompressionStream
 * resumes its zlib stream in a `nextTick` when it is read; a cancel in between destroys the zlib
 * stream, and the resumed stream then emits a buffered chunk into the closed controller, which
 * throws an uncaught "Controller is already closed" and takes the process down. Refusing an
 * archive mid-read is exactly that order (read, then cancel). By the next macrotask the pending
 * resume has run and the stream has paused itself, so the cancel is safe.
 */
function cancelAfterPendingReads(output: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = output.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller): Promise<void> {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel(reason): Promise<void> {
        await new Promise((resolve) => setTimeout(resolve, 0));
        await reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}

interface CountingOptions {
  autoAllocateBytes?: number;
  max: number;
  rule: string;
  what: string;
  onTotal?: (total: number) => void;
  signal?: AbortSignal;
  mapError: (error: unknown) => unknown;
}

/**
 * Re-emits `source` chunk by chunk, counting bytes, failing past `max`, and typing read errors. A
 * byte stream stays one, so a reader's own buffer is filled by the source (see `relayStream`).
 */
function countingStream(
  source: ReadableStream<Uint8Array>,
  options: CountingOptions,
): ReadableStream<Uint8Array> {
  let total = 0;
  const { signal } = options;
  let onAbort: (() => void) | undefined;
  const stopListening = (): void => {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  };
  return relayStream(source, {
    start(fail, cancelSource): void {
      if (!signal) return;
      onAbort = (): void => {
        fail(new AbortError('the plugin download was aborted', { cause: signal.reason }));
        cancelSource(signal.reason);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    },
    async pull(read, cancelSource): Promise<Uint8Array | null> {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await read();
      } catch (error) {
        stopListening();
        throw signal?.aborted
          ? new AbortError('the plugin download was aborted', { cause: error })
          : options.mapError(error);
      }
      if (signal?.aborted) throw new AbortError('the plugin download was aborted', { cause: signal.reason });
      if (result.done) {
        stopListening();
        return null;
      }
      total += result.value.byteLength;
      if (total > options.max) {
        const error = new UnsafeArchiveError(
          `plugin archive exceeds the limit of ${options.max} ${options.what} bytes`,
          { rule: options.rule },
        );
        stopListening();
        cancelSource(error);
        throw error;
      }
      options.onTotal?.(total);
      return result.value;
    },
    cancel(): void {
      stopListening();
    },
    autoAllocateBytes: options.autoAllocateBytes,
  });
}
