import { type AgentWorker, defineAgentWorker } from '../../src/index.js';
import { clock, simFetch } from './support/platform.js';

/**
 * The Worker under test (the `main` of vitest.workers.config.ts, reached through SELF): a push agent
 * whose handler echoes, and notifies the canvas after the reply through `waitUntil`.
 */
const worker: AgentWorker<Cloudflare.Env> = defineAgentWorker<Cloudflare.Env>({
  workspaceId: (env) => env.WORKSPACE_ID,
  platformUrl: (env) => env.PLATFORM_URL,
  tokens: (env) => env.AGENT_KV,
  platformFetch: () => simFetch,
  push: { url: (env) => env.PUBLIC_URL, secret: (env) => env.PUSH_SECRET },
  agentCard: { name: 'echo-worker', skills: [] },
  clock,
  handler: (message, { client, waitUntil }) => {
    if (message.text.startsWith('later:')) waitUntil(client.notify(`done with ${message.text.slice(6)}`));
    return `echo: ${message.text}`;
  },
});

// Compile-time proof that the agent is a valid Workers module export.
const _asExportedHandler: ExportedHandler<Cloudflare.Env> = worker;
void _asExportedHandler;

export default worker;
