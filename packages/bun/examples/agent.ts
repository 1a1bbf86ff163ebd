// agent.ts: run it with `bun agent.ts`

import { runAgent } from '@molecule-ai/agent-bun';

// Registers as MOLECULE_WORKSPACE_ID on MOLECULE_PLATFORM_URL, answers every message with the
// handler's return value, and stops when the workspace is paused or deleted, or on Ctrl-C.
const exit = await runAgent((message) => `You said: ${message.text}`);
console.log(`stopped: ${exit.reason}`);
