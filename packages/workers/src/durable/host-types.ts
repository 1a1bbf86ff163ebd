import type { DurableObjectStorageLike } from '../stores/durable-object-storage.js';

/**
 * The parts of the Durable Object runtime this package uses, declared structurally so users need
 * not install `@cloudflare/workers-types`; the real types satisfy them.
 */

/** The first constructor argument of a Durable Object (`ctx`). */
export interface DurableObjectStateLike {
  readonly storage: DurableObjectStorageLike;
  /** Keeps the object alive until `promise` settles. */
  waitUntil(promise: Promise<unknown>): void;
}

/** A stub of one object: requests to it reach that object's `fetch`. */
export interface DurableObjectStubLike {
  fetch(request: Request): Promise<Response>;
}

/** A Durable Object namespace binding (`env.AGENTS`). */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): DurableObjectStubLike;
}
