// Bindings of the test worker, as declared in vitest.workers.config.ts.
declare namespace Cloudflare {
  interface Env {
    TOKENS: KVNamespace;
    CURSORS: KVNamespace;
    AGENT_KV: KVNamespace;
    WORKSPACE_ID: string;
    PLATFORM_URL: string;
    PUBLIC_URL: string;
    PUSH_SECRET: string;
    CONTROL_SECRET: string;
    AGENTS: DurableObjectNamespace;
    POLL_AGENTS: DurableObjectNamespace;
    STORES: DurableObjectNamespace;
  }
}
