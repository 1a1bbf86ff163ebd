// push-agent.ts: the platform pushes each message to this agent's HTTP endpoint.

import { runAgent } from '@molecule-ai/agent-node';

// `listen` (or MOLECULE_LISTEN) serves pushes on that address; a loopback one registers
// http://localhost:<port>, which a platform on this machine reaches. Behind a tunnel or proxy, set
// `publicUrl` (or MOLECULE_PUBLIC_URL) to the address the platform should use instead.
const exit = await runAgent(
  async (message, { client }) => {
    const peers = await client.getPeers();
    return `You said: ${message.text} (${peers.length} peers around)`;
  },
  { listen: process.env.MOLECULE_LISTEN ?? '127.0.0.1:0' },
);
console.log(`stopped: ${exit.reason}`);
