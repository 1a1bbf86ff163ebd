// agent.ts: run it with `bun agent.ts`

import { createAgentClient, createFileTokenStore, runAgentLoop } from '@molecule-ai/agent-bun';

const client = createAgentClient({
  platformUrl: Bun.env.MOLECULE_PLATFORM_URL!,
  workspaceId: Bun.env.MOLECULE_WORKSPACE_ID!,
  // The first register issues the token; it is kept in ~/.molecule/<workspace id>/.auth_token (0600).
  tokenStore: createFileTokenStore(),
});
await client.register();
console.log('connected; press Ctrl-C to stop');

// Polls for messages, answers each with the handler's return value, heartbeats, and stops when the
// workspace is paused or deleted, or on Ctrl-C (after finishing the message in hand).
const exit = await runAgentLoop((message) => `You said: ${message.text}`, { client });
console.log(`stopped: ${exit.reason}`);
