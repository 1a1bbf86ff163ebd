// poll-agent.ts: the smallest agent. Build and run it, e.g. `npx tsx poll-agent.ts`.

import { runAgent } from '@molecule-ai/agent-node';

// Registers as MOLECULE_WORKSPACE_ID on MOLECULE_PLATFORM_URL, answers every message with the
// handler's return value, and stops when the workspace is paused or deleted, or on Ctrl-C.
const exit = await runAgent((message) => `You said: ${message.text}`);
console.log(`stopped: ${exit.reason}`);
