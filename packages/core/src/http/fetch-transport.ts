import type { HttpTransport, TransportRequest, TransportResponse } from '../ports/http-transport.js';
import { readBodyText } from './body.js';

/**
 * The transport over a fetch implementation (the global one by default): what Workers, Bun and
 * browsers use, and what a client given `fetch` uses. Redirects are never followed.
 */
export function createFetchTransport(fetchImpl?: typeof fetch): HttpTransport {
  return {
    async send(request: TransportRequest): Promise<TransportResponse> {
      const init: RequestInit = {
        method: request.method,
        headers: request.headers,
        signal: request.signal,
        redirect: 'manual',
      };
      if (request.body !== undefined) init.body = request.body;
      // Looked up per call (not captured) so a fetch patched in later, e.g. by a test, still applies.
      const response = await (fetchImpl ?? globalThis.fetch)(request.url, init);
      if (request.read === 'stream') {
        return { status: response.status, headers: response.headers, text: null, body: response.body };
      }
      return {
        status: response.status,
        headers: response.headers,
        text: await readBodyText(response, request.maxBodyBytes),
        body: null,
      };
    },
  };
}
