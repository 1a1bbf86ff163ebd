/**
 * The part of a Workers KV namespace binding this package uses. Declared here, structurally, so
 * that users need not install `@cloudflare/workers-types` to type-check against this package;
 * a real `KVNamespace` binding satisfies it.
 */
export interface KvNamespaceLike {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Options shared by the KV-backed stores. */
export interface KvStoreOptions {
  /**
   * Prepended to the workspace id to form the KV key, so that several agents (or other data)
   * can share one namespace. KV keys are limited to 512 bytes.
   */
  prefix?: string;
}
