// push-agent.ts: the platform pushes each message to this Bun.serve endpoint. Run it with `bun push-agent.ts`.

import {
  createAgentClient,
  createFileTokenStore,
  runAgentLoop,
  startPushDelivery,
} from '@molecule-ai/agent-bun';

// Bun.serve on 127.0.0.1 under an unguessable path. publicOrigin is how the platform reaches this
// machine (your tunnel or reverse proxy in front of the port); `{port}` stands for the bound port.
const delivery = await startPushDelivery({
  port: Number(Bun.env.PORT ?? 0),
  publicOrigin: Bun.env.MOLECULE_PUBLIC_ORIGIN ?? 'http://localhost:{port}',
});
const client = createAgentClient({
  platformUrl: Bun.env.MOLECULE_PLATFORM_URL!,
  workspaceId: Bun.env.MOLECULE_WORKSPACE_ID!,
  tokenStore: createFileTokenStore(),
  reportedUrl: delivery.url,
});
await client.register();
console.log(`listening on port ${delivery.server.port}; press Ctrl-C to stop`);

const exit = await runAgentLoop((message) => `You said: ${message.text}`, { client, delivery });
console.log(`stopped: ${exit.reason}`);
