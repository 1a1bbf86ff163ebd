import { constants, createGunzip, type Gunzip } from 'node:zlib';
import type { Decompressor } from '@molecule-ai/agent-core/plugins';

/** Size of each decompressed chunk for a reader that brings no buffer of its own. */
const OUTPUT_CHUNK_BYTES = 512 * 1024;
/** Size of the one buffer compressed bytes are read into, when the source is a byte stream. */
const INPUT_CHUNK_BYTES = 64 * 1024;

/**
 * The synchronous entry point of a node:zlib stream's native handle: what `zlib.gunzipSync` runs
 * underneath, but writing into a buffer of the caller's. Not a documented API, hence checked
 * before use, with the stream API as the fallback.
 */
interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inputOffset: number,
    inputLength: number,
    output: Uint8Array,
    outputOffset: number,
    outputLength: number,
  ): void;
  onerror: (message: string, errno: number, code: string) => void;
}

function nativeHandleOf(gunzip: Gunzip): { handle: ZlibHandle; state: Uint32Array } | null {
  const { _handle: handle, _writeState: state } = gunzip as unknown as {
    _handle?: Partial<ZlibHandle>;
    _writeState?: unknown;
  };
  if (typeof handle?.writeSync !== 'function' || !(state instanceof Uint32Array) || state.length < 2)
    return null;
  return { handle: handle as ZlibHandle, state };
}

function gunzipError(message: string, errno: number, code: string): Error {
  return Object.assign(new Error(message), { errno, code });
}

/**
 * A {@link Decompressor} on `node:zlib`, allocating nothing per chunk: compressed bytes are read
 * into one reused buffer (when the source is a byte stream, as the Node transport's downloads are),
 * and zlib inflates straight into the buffer of whoever reads the output (a byte stream: a BYOB
 * reader's own buffer, or a fresh 512 KiB chunk for a default reader). Per-chunk buffers, as a
 * zlib stream allocates them, stay garbage until the next GC and made the peak memory of an
 * install grow with the plugin's size.
 *
 * Inflating runs on the calling thread, one output buffer at a time (about 1.2 ms of CPU per MiB
 * here), so each pull is bounded work and a gzip bomb is stopped by the caller's decompressed-bytes
 * cap after one buffer. Input is read only when zlib has consumed the previous input. Where the
 * zlib handle's synchronous write is not available (another runtime's node:zlib), a zlib stream
 * with 512 KiB output chunks does the same job.
 */
export function createZlibGunzip(): Decompressor {
  return (gzip) => {
    const gunzip = createGunzip();
    const native = nativeHandleOf(gunzip);
    if (native === null) return streamGunzip(gzip, gunzip);
    return handleGunzip(gzip, gunzip, native.handle, native.state);
  };
}

function handleGunzip(
  gzip: ReadableStream<Uint8Array>,
  gunzip: Gunzip,
  handle: ZlibHandle,
  state: Uint32Array,
): ReadableStream<Uint8Array> {
  let failed: Error | undefined;
  // zlib reports errors of a synchronous write through this callback, before writeSync returns.
  handle.onerror = (message, errno, code) => {
    failed ??= gunzipError(message, errno, code);
  };
  let byob: ReadableStreamBYOBReader | undefined;
  let plain: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    byob = gzip.getReader({ mode: 'byob' });
  } catch {
    plain = gzip.getReader();
  }
  let inputBuffer: ArrayBuffer | undefined = byob ? new ArrayBuffer(INPUT_CHUNK_BYTES) : undefined;
  let input: Uint8Array = new Uint8Array(0);
  let inputOffset = 0;
  let inputEnded = false;
  /** The gzip data ended (what follows, e.g. padding, is read but ignored, as gunzip does). */
  let streamEnded = false;

  const readInput = async (): Promise<void> => {
    if (byob) {
      const { done, value } = await byob.read(new Uint8Array(inputBuffer as ArrayBuffer));
      if (value) inputBuffer = value.buffer as ArrayBuffer;
      input = done ? new Uint8Array(0) : value;
      inputEnded = done;
    } else {
      const { done, value } = await (plain as ReadableStreamDefaultReader<Uint8Array>).read();
      input = done ? new Uint8Array(0) : value;
      inputEnded = done;
    }
    inputOffset = 0;
  };
  const release = (): void => {
    gunzip.destroy();
  };

  const source: UnderlyingByteSource = {
    type: 'bytes',
    autoAllocateChunkSize: OUTPUT_CHUNK_BYTES,
    async pull(controller): Promise<void> {
      const request = controller.byobRequest;
      const view = request?.view;
      if (!request || !view) return;
      const output = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      try {
        await inflateInto(output, controller, request);
      } catch (error) {
        release();
        throw error;
      }
    },
    cancel(reason): Promise<void> {
      release();
      return ((byob ?? plain) as ReadableStreamGenericReader).cancel(reason).catch(() => {});
    },
  };
  /** Fills `output` with at least one byte, or ends the stream. */
  async function inflateInto(
    output: Uint8Array,
    controller: ReadableByteStreamController,
    request: ReadableStreamBYOBRequest,
  ): Promise<void> {
    for (;;) {
      const pending = input.length - inputOffset;
      if (!streamEnded && (pending > 0 || inputEnded)) {
        const flush = inputEnded ? constants.Z_FINISH : constants.Z_NO_FLUSH;
        handle.writeSync(flush, input, inputOffset, pending, output, 0, output.length);
        if (failed) {
          await (byob ?? plain)?.cancel(failed).catch(() => {});
          throw failed;
        }
        const produced = output.length - (state[0] as number);
        const consumed = pending - (state[1] as number);
        inputOffset += consumed;
        if (produced > 0) {
          request.respond(produced);
          return;
        }
        // No progress with input left: the gzip data has ended; the rest is ignored.
        if (consumed === 0 && pending > 0) streamEnded = true;
        if (inputEnded) {
          release();
          controller.close();
          request.respond(0);
          return;
        }
      }
      if (inputEnded) {
        release();
        controller.close();
        request.respond(0);
        return;
      }
      if (streamEnded) inputOffset = input.length;
      await readInput();
    }
  }
  // A pull that throws errors the stream with what it threw.
  return new ReadableStream(source) as ReadableStream<Uint8Array>;
}

/** Size of each decompressed chunk of the stream fallback. */
const STREAM_OUTPUT_CHUNK_BYTES = 512 * 1024;

/**
 * The zlib-stream fallback: input is written one chunk at a time and the next chunk is read only
 * once zlib has consumed the last one (the source may reuse a chunk's memory after the next read).
 */
function streamGunzip(gzip: ReadableStream<Uint8Array>, unused: Gunzip): ReadableStream<Uint8Array> {
  unused.destroy();
  const gunzip = createGunzip({ chunkSize: STREAM_OUTPUT_CHUNK_BYTES });
  const reader = gzip.getReader();
  let failed: unknown;
  // Always listened to: an 'error' with no listener would crash the process.
  gunzip.on('error', (error) => {
    failed ??= error;
  });

  void (async (): Promise<void> => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await new Promise<void>((resolve, reject) => {
          gunzip.write(value, (error) => (error ? reject(error) : resolve()));
        });
      }
      gunzip.end();
    } catch (error) {
      failed ??= error;
      gunzip.destroy(error as Error);
      await reader.cancel(error).catch(() => {});
    }
  })();

  return new ReadableStream<Uint8Array>(
    {
      pull(controller): Promise<void> {
        return new Promise<void>((resolve) => {
          const cleanup = (): void => {
            gunzip.off('readable', tryRead);
            gunzip.off('end', onEnd);
            gunzip.off('error', onError);
          };
          const tryRead = (): void => {
            const chunk = gunzip.read() as Buffer | null;
            if (chunk === null) return;
            cleanup();
            controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
            resolve();
          };
          const onEnd = (): void => {
            cleanup();
            controller.close();
            resolve();
          };
          const onError = (error: Error): void => {
            cleanup();
            controller.error(failed ?? error);
            resolve();
          };
          if (gunzip.readableEnded) return onEnd();
          if (gunzip.destroyed)
            return onError((failed ?? gunzip.errored ?? new Error('gunzip was destroyed')) as Error);
          gunzip.on('readable', tryRead);
          gunzip.on('end', onEnd);
          gunzip.on('error', onError);
          tryRead();
        });
      },
      cancel(reason): void {
        gunzip.destroy();
        void reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}
