// src/worker.ts: deploy it with `npx wrangler deploy` (wrangler.jsonc below).

import { defineAgentWorker, type KvNamespaceLike } from '@molecule-ai/agent-workers';

export interface Env {
  AGENT_KV: KvNamespaceLike;
  PLATFORM_URL: string;
  WORKSPACE_ID: string;
  PUBLIC_URL: string;
  PUSH_SECRET: string;
}

// Registers on its first cron tick (the token goes to KV), heartbeats every minute, answers every
// pushed message with the handler's return value, and stops when the workspace is paused or deleted.
export default defineAgentWorker<Env>({
  workspaceId: (env) => env.WORKSPACE_ID,
  platformUrl: (env) => env.PLATFORM_URL,
  kv: (env) => env.AGENT_KV,
  push: { url: (env) => env.PUBLIC_URL, secret: (env) => env.PUSH_SECRET },
  handler: (message) => `You said: ${message.text}`,
});
