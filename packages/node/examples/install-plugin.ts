// install-plugin.ts: install a plugin from the platform's registry, checked before it replaces the old one.

import { createAgentClient, installPlugin } from '@molecule-ai/agent-node';

// MOLECULE_PLATFORM_URL, MOLECULE_WORKSPACE_ID and the token file, as for runAgent.
const client = createAgentClient();
await client.register();

const installed = await installPlugin({ client, name: process.argv[2] ?? 'hello-plugin' });
console.log(`installed ${installed.name}: ${installed.files} files in ${installed.path}`);
