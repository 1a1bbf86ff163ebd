import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import type { InboundMessage } from '@molecule-ai/agent-core';
import type { RecordedRequest } from '@molecule-ai/platform-sim';
import { type AgentTickReport, type AgentWorker, defineAgentWorker } from '../../../src/index.js';
import { clock, PLATFORM_URL, sim, simFetch } from './platform.js';

export type TestEnv = Cloudflare.Env & { WORKSPACE_ID: string };

/** A poll-only agent (no push endpoint) that echoes, defined fresh each call like a new isolate. */
export function definePollAgent(handled: InboundMessage[] = []): AgentWorker<TestEnv> {
  return defineAgentWorker<TestEnv>({
    workspaceId: (e) => e.WORKSPACE_ID,
    platformUrl: () => PLATFORM_URL,
    kv: (e) => e.AGENT_KV,
    platformFetch: () => simFetch,
    clock,
    handler: (message) => {
      handled.push(message);
      return `echo: ${message.text}`;
    },
  });
}

/** A fresh external workspace in the simulator and an env that names it. */
export async function newWorkspace(): Promise<{ id: string; env: TestEnv }> {
  const { id } = await sim.admin.createWorkspace({ external: true, url: 'https://agent.example/unused' });
  return { id, env: { ...env, WORKSPACE_ID: id } };
}

/** Runs one cron tick (what `scheduled` does) and waits for its `waitUntil`s. */
export async function cronTick(agent: AgentWorker<TestEnv>, testEnv: TestEnv): Promise<AgentTickReport> {
  const ctx = createExecutionContext();
  const report = await agent.tick(testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return report;
}

/**
 * Requests the simulator received from (or about) one workspace: `path` may contain `:id`, and a
 * registry call counts when its JSON body names the workspace.
 */
export function requestsFor(workspaceId: string, method: string, path: string): RecordedRequest[] {
  const wanted = path.replace(':id', workspaceId);
  return sim.requests.filter((r) => {
    if (r.method !== method || r.path !== wanted) return false;
    if (path.includes(':id')) return true;
    const body = r.json as { id?: unknown; workspace_id?: unknown } | undefined;
    return body?.id === workspaceId || body?.workspace_id === workspaceId;
  });
}
