/** A request whose body stream fails if it is not fully received in time. */
export interface DeadlineRequest {
  request: Request;
  /** True once the deadline passed before the body was complete. */
  expired(): boolean;
  /** Stops the timer (call when the request is done). */
  dispose(): void;
}

/**
 * Wraps `request` so that reading its body fails once `timeoutMs` has passed without the body
 * being complete. `Bun.serve` only has an idle timeout, which a client dribbling one byte at a
 * time never trips; this bounds the whole upload, like Node's `requestTimeout`. The time a
 * handler spends after the body is read is not limited.
 */
export function withBodyDeadline(request: Request, timeoutMs: number): DeadlineRequest {
  const source = request.body;
  if (source === null) return { request, expired: () => false, dispose() {} };
  let expired = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      timer = setTimeout(() => {
        expired = true;
        controller.error(new Error('request body not received in time'));
        reader.cancel().catch(() => {});
      }, timeoutMs);
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (expired) return;
        if (done) {
          clearTimeout(timer);
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        clearTimeout(timer);
        if (!expired) controller.error(error);
      }
    },
    cancel(reason) {
      clearTimeout(timer);
      return reader.cancel(reason);
    },
  });
  const wrapped = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body,
    signal: request.signal,
    // Required by the fetch spec for a streamed request body.
    duplex: 'half',
  } as RequestInit);
  return { request: wrapped, expired: () => expired, dispose: () => clearTimeout(timer) };
}
