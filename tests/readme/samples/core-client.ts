import { callPeer, createAgentClient } from '@molecule-ai/agent-core';
import { createFileTokenStore } from '@molecule-ai/agent-node';

const client = createAgentClient({
  workspaceId: process.env.MOLECULE_WORKSPACE_ID!,
  platformUrl: process.env.MOLECULE_PLATFORM_URL ?? 'https://acme.moleculesai.app',
  tokenStore: createFileTokenStore(),
  token: process.env.MOLECULE_WORKSPACE_TOKEN, // optional: a pre-minted token
});

await client.register(); // saves the token the platform issues the first time
await client.heartbeat({ currentTask: 'idle', activeTasks: 0 });
const state = await client.pollState(); // { status, paused, deleted, shouldStop }
console.log(`status: ${state.status}`);

const [peer] = await client.getPeers(); // the workspaces this one may call
if (peer) {
  const reply = await callPeer(client, peer.id, 'Summarise the docs'); // direct, else through the platform
  if (reply.status === 'completed') console.log(reply.text);
}
