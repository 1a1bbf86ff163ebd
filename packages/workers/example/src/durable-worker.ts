// src/worker.ts: one agent per listed workspace, each in a Durable Object of its own, in one Worker.

import { type DurableObjectNamespaceLike, defineAgentDurableObject } from '@molecule-ai/agent-workers';

interface Env {
  AGENTS: DurableObjectNamespaceLike;
  PLATFORM_URL: string;
  WORKSPACE_IDS: string; // "id-1,id-2": one object each
  PUBLIC_URL: string;
  PUSH_SECRET: string; // wrangler secret put PUSH_SECRET
  CONTROL_SECRET: string; // wrangler secret put CONTROL_SECRET: authorises POST /agents/<id>/{start,resume,status}
}

const agents = defineAgentDurableObject<Env>({
  workspaces: (env) => env.WORKSPACE_IDS,
  namespace: (env) => env.AGENTS,
  platformUrl: (env) => env.PLATFORM_URL,
  push: { url: (env) => env.PUBLIC_URL, secret: (env) => env.PUSH_SECRET },
  control: { secret: (env) => env.CONTROL_SECRET },
  handler: (message, { workspaceId }) => `echo from ${workspaceId.slice(0, 8)}: ${message.text}`,
});

export const MoleculeAgent = agents.DurableObject;
export default { fetch: agents.fetch, scheduled: agents.scheduled };
