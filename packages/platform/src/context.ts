/**
 * The per-request context handed to middleware and handlers.
 */
import type { SimCore } from './core.js';

/** What a handler sees of one request. */
export interface RequestContext {
  readonly core: SimCore;
  readonly request: Request;
  readonly url: URL;
  readonly method: string;
  /** The decoded path, as gin routes on `URL.Path`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Headers;
  /** The whole request body (read once). */
  readonly body: Uint8Array;
  /** Client IP (TCP peer); forwarded headers are ignored like the server does. */
  readonly ip: string;
  /** Route parameters, e.g. `id`. */
  params: Record<string, string>;
  /** When true, every datastore access fails (an injected outage). */
  readonly datastoreDown: boolean;
  /** The host's `waitUntil`, for work that outlives the response. */
  readonly waitUntil?: (promise: Promise<unknown>) => void;
}
