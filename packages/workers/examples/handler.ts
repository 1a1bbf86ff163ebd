// src/worker.ts: what a handler is given.

import { defineAgentWorker } from '@molecule-ai/agent-workers';
import type { Env } from './worker.js';

export default defineAgentWorker<Env>({
  workspaceId: (env) => env.WORKSPACE_ID,
  platformUrl: (env) => env.PLATFORM_URL,
  kv: (env) => env.AGENT_KV,
  push: { url: (env) => env.PUBLIC_URL, secret: (env) => env.PUSH_SECRET },
  handler: async (message, { env, client, waitUntil, signal, request }) => {
    // message: the core's InboundMessage (text, parts, source, sourceId, contextId, ...)
    // client:  the core's AgentClient for this workspace (notify, delegate, getPeers, ...; callPeer(client, …))
    // request: the pushed HTTP request (undefined on a cron tick); signal: ends with the invocation
    waitUntil(client.notify(`working on it… (${request ? 'pushed' : 'polled'})`)); // outlives the reply
    const peers = await client.getPeers({ signal });
    return `${env.WORKSPACE_ID.slice(0, 8)} heard "${message.text}" with ${peers.length} peers around`; // or nothing
  },
});
