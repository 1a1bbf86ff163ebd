/**
 * Passes a byte stream through, but fails it when no chunk arrives for `idleMs`.
 *
 * A per-attempt timeout stops covering a response once its headers are in, and a streamed body
 * (a plugin download) may then stall forever; the Python SDK's per-read timeout ended such a
 * download after 60 s of silence, and so does this. On a stall the source is cancelled, which
 * releases the connection, and the reader sees the error made by `onIdle`.
 */
export function failWhenIdle(
  source: ReadableStream<Uint8Array>,
  idleMs: number,
  onIdle: () => Error,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopTimer = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const stalled = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(onIdle()), idleMs);
        });
        try {
          const next = await Promise.race([reader.read(), stalled]);
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (error) {
          reader.cancel(error).catch(() => {});
          controller.error(error);
        } finally {
          stopTimer();
        }
      },
      cancel(reason) {
        stopTimer();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
