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
  /** The whole request body (read once; empty when reading it failed). */
  readonly body: Uint8Array;
  /** True when the request body stream errored while it was read. */
  readonly bodyReadFailed: boolean;
  /** Client IP (TCP peer); forwarded headers are ignored like the server does. */
  readonly ip: string;
  /** Route parameters, e.g. `id`. */
  params: Record<string, string>;
  /** When true, every datastore access fails (an injected outage). */
  readonly datastoreDown: boolean;
  /** When true, inserting into the A2A busy queue fails (an injected `enqueue-fails`). */
  readonly enqueueFails: boolean;
  /** The host's `waitUntil`, for work that outlives the response. */
  readonly waitUntil?: (promise: Promise<unknown>) => void;
}
