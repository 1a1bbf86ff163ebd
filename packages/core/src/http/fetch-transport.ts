import { MAX_TIMER_DELAY_MS } from '../ports/clock.js';
import type { HttpTransport, TransportRequest, TransportResponse } from '../ports/http-transport.js';
import { readBodyText } from './body.js';

/**
 * The transport over a fetch implementation (the global one by default): what Workers, Bun and
 * browsers use, and what a client given `fetch` uses. Redirects are never followed. Exported for
 * transports that wrap it and for the HTTP transport contract of each runtime.
 *
 * @example
 * const base = createFetchTransport();
 * const transport: HttpTransport = {
 *   send: (request) => {
 *     console.log(request.method, new URL(request.url).pathname);
 *     return base.send(request);
 *   },
 * };
 */
export function createFetchTransport(fetchImpl?: typeof fetch): HttpTransport {
  return {
    async send(request: TransportRequest): Promise<TransportResponse> {
      // fetch takes one signal: the attempt's own, fired by the timeout or by the caller's signal.
      const controller = new AbortController();
      const caller = request.signal;
      let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(
        () => controller.abort(new DOMException('The attempt timed out', 'TimeoutError')),
        Math.min(Math.max(1, request.timeoutMs), MAX_TIMER_DELAY_MS),
      );
      const onCaller = (): void => controller.abort(caller?.reason);
      if (caller?.aborted) controller.abort(caller.reason);
      else caller?.addEventListener('abort', onCaller, { once: true });
      const stopTimer = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
      };
      let streaming = false;
      try {
        const init: RequestInit = {
          method: request.method,
          headers: request.headers,
          signal: controller.signal,
          redirect: 'manual',
        };
        if (request.body !== undefined) init.body = request.body;
        // Looked up per call (not captured) so a fetch patched in later, e.g. by a test, still applies.
        const response = await (fetchImpl ?? globalThis.fetch)(request.url, init);
        if (request.read === 'stream') {
          // From the headers on, only the caller's signal governs the body.
          stopTimer();
          streaming = response.body !== null;
          return { status: response.status, headers: response.headers, text: null, body: response.body };
        }
        return {
          status: response.status,
          headers: response.headers,
          text: await readBodyText(response, request.maxBodyBytes),
          body: null,
        };
      } finally {
        stopTimer();
        // A streamed body stays tied to the caller's signal (fetch offers no hook for its end).
        if (!streaming) caller?.removeEventListener('abort', onCaller);
      }
    },
  };
}
