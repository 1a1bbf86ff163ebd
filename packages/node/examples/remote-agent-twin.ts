// remote-agent-twin.ts: the Python SDK's examples/remote-agent/run.py, in TypeScript.

import { createAgentClient, runAgent } from '@molecule-ai/agent-node';

const workspaceId = process.env.WORKSPACE_ID?.trim();
const platformUrl = process.env.PLATFORM_URL?.trim();
if (!workspaceId || !platformUrl) {
  console.error('set WORKSPACE_ID and PLATFORM_URL and re-run');
  process.exit(2);
}
const maxIterations = process.env.MAX_ITERATIONS ? Number(process.env.MAX_ITERATIONS) : undefined;
const agentCard = { name: process.env.AGENT_NAME ?? `remote-demo-${workspaceId.slice(0, 8)}`, skills: [] };

// The token goes to ~/.molecule/<id>/.auth_token, the file the Python SDK uses.
const client = createAgentClient({ workspaceId, platformUrl, agentCard });
await client.register();
const secrets = await client.pullSecrets();
console.log(`received ${Object.keys(secrets).length} secret(s): ${Object.keys(secrets).sort().join(', ')}`);

// run_heartbeat_loop's job, plus message handling: this handler answers nothing, like the Python example.
const exit = await runAgent(() => undefined, {
  workspaceId,
  platformUrl,
  agentCard,
  heartbeatIntervalMs: 5_000,
  maxIterations,
  // The Python task_supplier's snake_case report is accepted as it is.
  taskReport: () => ({ current_task: 'remote-agent demo idle', active_tasks: 0 }),
});
console.log(`loop exited: ${exit.reason}`);
