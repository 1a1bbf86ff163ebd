// agent-loop.ts: the loop under runAgent, for a program that builds and registers its own client.

import { createAgentClient, createFileCursorStore, runAgentLoop } from '@molecule-ai/agent-node';

// MOLECULE_PLATFORM_URL, MOLECULE_WORKSPACE_ID and the token file, as for runAgent.
const client = createAgentClient();
await client.register();

const exit = await runAgentLoop(
  async (message, { client }) => {
    // message.text, message.source ('canvas_user' | 'peer_agent' | 'unknown'), message.sourceId, ...
    if (message.text === 'status') await client.notify('all good'); // the client, for anything else
    return `You said: ${message.text}`; // the reply; return nothing (or "") to send none
  },
  { client, cursorStore: createFileCursorStore(), concurrency: 4 },
);
console.log(exit.reason); // 'paused' | 'deleted' | 'revoked' | 'aborted' | 'max-iterations'
