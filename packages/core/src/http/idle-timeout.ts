import { relayStream } from '../util/byte-relay.js';

/**
 * Passes a byte stream through, but fails it when no chunk arrives for `idleMs`.
 *
 * A per-attempt timeout stops covering a response once its headers are in, and a streamed body
 * (a plugin download) may then stall forever; the Python SDK's per-read timeout ended such a
 * download after 60 s of silence, and so does this. On a stall the source is cancelled, which
 * releases the connection, and the reader sees the error made by `onIdle`. A byte stream stays one
 * (a reader's own buffer is filled by the source, see `relayStream`).
 */
export function failWhenIdle(
  source: ReadableStream<Uint8Array>,
  idleMs: number,
  onIdle: () => Error,
): ReadableStream<Uint8Array> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopTimer = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return relayStream(source, {
    async pull(read, cancelSource) {
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onIdle()), idleMs);
      });
      try {
        const next = await Promise.race([read(), stalled]);
        return next.done ? null : next.value;
      } catch (error) {
        cancelSource(error);
        throw error;
      } finally {
        stopTimer();
      }
    },
    cancel: stopTimer,
  });
}
