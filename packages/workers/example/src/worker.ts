import { type AgentWorker, defineAgentWorker, type KvNamespaceLike } from '@molecule-ai/agent-workers';

/** The bindings of wrangler.jsonc, plus the secrets. */
interface Env {
  AGENT_KV: KvNamespaceLike;
  PLATFORM_URL: string;
  WORKSPACE_ID: string;
  PUBLIC_URL: string;
  /** `wrangler secret put PUSH_SECRET`: the unguessable part of the push URL. */
  PUSH_SECRET: string;
  /** Optional pre-minted workspace token (`wrangler secret put MOLECULE_TOKEN`). */
  MOLECULE_TOKEN?: string;
}

const agent: AgentWorker<Env> = defineAgentWorker<Env>({
  workspaceId: (env) => env.WORKSPACE_ID,
  platformUrl: (env) => env.PLATFORM_URL,
  kv: (env) => env.AGENT_KV,
  token: (env) => env.MOLECULE_TOKEN,
  push: { url: (env) => env.PUBLIC_URL, secret: (env) => env.PUSH_SECRET },
  agentCard: { name: 'echo-worker', description: 'Echoes every message, from a Cloudflare Worker.' },
  handler: (message) => `echo: ${message.text}`,
  onTick: (report) => {
    const ops = report.tick ? JSON.stringify(report.tick.plan) : '-';
    const error = report.error instanceof Error ? ` error=${report.error.message}` : '';
    console.log(
      `[agent] tick ${report.result}${report.registered ? ' (registered)' : ''} ops=${ops} stop=${report.stopReason ?? 'no'}${error}`,
    );
  },
});

export default agent;
