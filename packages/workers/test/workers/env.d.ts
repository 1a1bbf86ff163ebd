// Bindings of the test worker, as declared in vitest.workers.config.ts.
declare namespace Cloudflare {
  interface Env {
    TOKENS: KVNamespace;
    CURSORS: KVNamespace;
  }
}
