import type { AgentClient } from '@molecule-ai/agent-core';
import type { LoopClient, LoopState } from '@molecule-ai/agent-core/loops';

/**
 * The client as the loop sees it, with the uptime counted from the loop's start (`state.startedAt`),
 * not from this invocation: a Worker's client lives one tick or alarm, the agent much longer.
 */
export function loopClientOf(client: AgentClient, state: LoopState, now: () => number): LoopClient {
  return {
    workspaceId: client.workspaceId,
    heartbeat: (report) =>
      client.heartbeat({ ...report, uptimeSeconds: Math.max(0, (now() - state.startedAt) / 1000) }),
    pollState: () => client.pollState(),
  };
}
