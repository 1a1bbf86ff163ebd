// agent.ts: answers every message, and stops when the workspace is paused or deleted (or on Ctrl-C).
import { runAgent } from '@molecule-ai/agent-node';

const exit = await runAgent((message) => `You said: ${message.text}`, { listen: '127.0.0.1:0' });
console.log(`stopped: ${exit.reason}`);
