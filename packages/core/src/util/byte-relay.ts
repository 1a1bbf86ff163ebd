/**
 * Reads the next chunk of the relayed stream (into the reader's own buffer when the consumer
 * brought one). Resolves like `ReadableStreamDefaultReader.read`.
 */
export type RelayRead = () => Promise<ReadableStreamReadResult<Uint8Array>>;

/** What a relay does with the stream it wraps. */
export interface RelaySteps {
  /**
   * One pull: call `read` once (or not at all) and return the chunk to hand on, or `null` at the
   * end. A returned chunk must be the very one `read` gave (it may live in the consumer's buffer).
   * Throwing errors the relayed stream; `cancelSource` releases the source (e.g. its connection)
   * when the step gives up on it.
   */
  pull(read: RelayRead, cancelSource: (reason: unknown) => void): Promise<Uint8Array | null>;
  /** Called once with a function that errors the relayed stream at once (e.g. on an abort). */
  start?(fail: (error: unknown) => void, cancelSource: (reason: unknown) => void): void;
  /** The consumer cancelled; the source is cancelled after this. */
  cancel?(reason: unknown): void;
  /** Size of the buffer given to a source read for a consumer that brings none. Default 64 KiB. */
  autoAllocateBytes?: number | undefined;
}

function openReader(
  stream: ReadableStream<Uint8Array>,
):
  | { byob: ReadableStreamBYOBReader; plain?: undefined }
  | { byob?: undefined; plain: ReadableStreamDefaultReader<Uint8Array> } {
  try {
    return { byob: stream.getReader({ mode: 'byob' }) };
  } catch {
    return { plain: stream.getReader() };
  }
}

/** Default size of the buffer a byte stream allocates for a reader that brings none. */
const AUTO_ALLOCATE_BYTES = 64 * 1024;

/**
 * Wraps `source` so that `steps` sees every chunk on its way, without ever reading ahead. When
 * `source` is a byte stream (`type: 'bytes'`), so is the result, and a consumer's BYOB read goes
 * straight through to the source: the bytes land in the consumer's buffer and nothing is allocated
 * per chunk (a consumer reading into one reused buffer keeps memory flat however many bytes pass).
 * Otherwise the result is a plain stream of the source's chunks.
 */
export function relayStream(
  source: ReadableStream<Uint8Array>,
  steps: RelaySteps,
): ReadableStream<Uint8Array> {
  const reader = openReader(source);
  const cancelSource = (reason: unknown): void => {
    void (reader.byob ?? reader.plain).cancel(reason).catch(() => {});
  };
  const cancel = async (reason: unknown): Promise<void> => {
    steps.cancel?.(reason);
    await (reader.byob ?? reader.plain).cancel(reason).catch(() => {});
  };
  if (reader.plain) {
    const plain = reader.plain;
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => steps.start?.((error) => controller.error(error), cancelSource),
        async pull(controller): Promise<void> {
          let chunk: Uint8Array | null;
          try {
            chunk = await steps.pull(() => plain.read(), cancelSource);
          } catch (error) {
            controller.error(error);
            return;
          }
          if (chunk === null) controller.close();
          else controller.enqueue(chunk);
        },
        cancel,
      },
      { highWaterMark: 0 },
    );
  }
  const byob = reader.byob;
  const bytes: UnderlyingByteSource = {
    type: 'bytes',
    autoAllocateChunkSize: steps.autoAllocateBytes ?? AUTO_ALLOCATE_BYTES,
    start: (controller) => steps.start?.((error) => controller.error(error), cancelSource),
    async pull(controller): Promise<void> {
      const request = controller.byobRequest;
      const view = request?.view;
      if (!request || !view) return;
      let last: Uint8Array | undefined;
      let chunk: Uint8Array | null;
      try {
        chunk = await steps.pull(async () => {
          const result = await byob.read(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
          last = result.value;
          return result as ReadableStreamReadResult<Uint8Array>;
        }, cancelSource);
      } catch (error) {
        controller.error(error);
        return;
      }
      if (chunk === null) {
        controller.close();
        try {
          // The request's buffer went to the source with the read: hand it back, empty.
          if (last) request.respondWithNewView(last.subarray(0, 0) as Uint8Array<ArrayBuffer>);
          else request.respond(0);
        } catch {
          // A source cancelled mid-read keeps the buffer; the reader sees the end either way.
        }
        return;
      }
      request.respondWithNewView(chunk as Uint8Array<ArrayBuffer>);
    },
    cancel,
  };
  return new ReadableStream(bytes) as ReadableStream<Uint8Array>;
}
