// push-delivery.ts: the push endpoint under runAgent's `listen`, started and registered by hand.

import { createAgentClient, runAgentLoop, startPushDelivery } from '@molecule-ai/agent-node';

const delivery = await startPushDelivery({
  host: '0.0.0.0',
  port: Number(process.env.PORT ?? 8080),
  publicOrigin: process.env.MOLECULE_PUBLIC_URL ?? 'https://agent.example.com',
});
const client = createAgentClient({ reportedUrl: delivery.url }); // https://agent.example.com/a2a/<32 random characters>
await client.register();
const exit = await runAgentLoop((message) => `You said: ${message.text}`, { client, delivery });
console.log(exit.reason);
