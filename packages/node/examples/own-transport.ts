// own-transport.ts: a client with a keep-alive pool of its own instead of the shared one.

import { createAgentClient, createUndiciTransport } from '@molecule-ai/agent-node';

const client = createAgentClient({ transport: createUndiciTransport({ connections: 4 }) });
const { issued } = await client.register();
console.log(issued ? 'registered; the platform issued a token' : 'registered');
