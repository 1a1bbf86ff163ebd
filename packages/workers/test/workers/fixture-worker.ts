import {
  type AgentDurableObjectClass,
  type AgentDurableObjectDefinition,
  type AgentDurableObjectOptions,
  type AgentWorker,
  defineAgentDurableObject,
  defineAgentWorker,
} from '../../src/index.js';
import {
  alarmReports,
  crashOn,
  durableClock,
  durableSimFetch,
  handled,
  WORKSPACES_KEY,
} from './support/durable.js';
import { clock, simFetch } from './support/platform.js';

/**
 * The Worker under test (the `main` of vitest.workers.config.ts, reached through SELF): a push agent
 * whose handler echoes, and notifies the canvas after the reply through `waitUntil`.
 */
export const kvWorker: AgentWorker<Cloudflare.Env> = defineAgentWorker<Cloudflare.Env>({
  workspaceId: (env) => env.WORKSPACE_ID,
  platformUrl: (env) => env.PLATFORM_URL,
  kv: (env) => env.AGENT_KV,
  platformFetch: () => simFetch,
  push: { url: (env) => env.PUBLIC_URL, secret: (env) => env.PUSH_SECRET },
  agentCard: { name: 'echo-worker', skills: [] },
  clock,
  handler: (message, { client, waitUntil }) => {
    if (message.text.startsWith('later:')) waitUntil(client.notify(`done with ${message.text.slice(6)}`));
    return `echo: ${message.text}`;
  },
});

/** Both Durable Object agents serve the workspaces listed in KV (the multi-agent configuration). */
const common: Omit<AgentDurableObjectOptions<Cloudflare.Env>, 'namespace'> = {
  workspaces: async (env) => (await env.AGENT_KV.get(WORKSPACES_KEY)) ?? '',
  platformUrl: (env) => env.PLATFORM_URL,
  platformFetch: () => durableSimFetch,
  adoptFrom: (env) => env.AGENT_KV,
  clock: durableClock,
  onAlarm: (report) => {
    alarmReports.push(report);
  },
  handler: async (message, { workspaceId, state }) => {
    handled.push({ workspaceId, text: message.text, delivery: message.delivery });
    if (crashOn.delete(message.text)) (state as DurableObjectState).abort('crash in the test');
    return `${workspaceId.slice(0, 8)} echo: ${message.text}`;
  },
};

/** Durable Object agents with push: `/a2a/<workspace id>/<capability>` on this Worker. */
export const pushAgents: AgentDurableObjectDefinition<Cloudflare.Env> =
  defineAgentDurableObject<Cloudflare.Env>({
    ...common,
    namespace: (env) => env.AGENTS,
    push: { url: (env) => env.PUBLIC_URL, secret: (env) => env.PUSH_SECRET },
    control: { secret: (env) => env.CONTROL_SECRET },
  });

/** Poll-only Durable Object agents: each object reads its activity feed on its alarms. */
export const pollAgents: AgentDurableObjectDefinition<Cloudflare.Env> =
  defineAgentDurableObject<Cloudflare.Env>({
    ...common,
    namespace: (env) => env.POLL_AGENTS,
  });

export const PushAgent: AgentDurableObjectClass<Cloudflare.Env> = pushAgents.DurableObject;
export const PollAgent: AgentDurableObjectClass<Cloudflare.Env> = pollAgents.DurableObject;

/** A bare object whose storage the store contract tests use. */
export class StoreObject {
  fetch(): Response {
    return new Response(null, { status: 404 });
  }
}

// Compile-time proof that the agent is a valid Workers module export.
const _asExportedHandler: ExportedHandler<Cloudflare.Env> = kvWorker;
void _asExportedHandler;

const fixture: ExportedHandler<Cloudflare.Env> = {
  /** The Durable Object agents' routes first; everything else is the cron + KV agent's. */
  async fetch(request: Request, env: Cloudflare.Env, ctx: ExecutionContext): Promise<Response> {
    const response = await pushAgents.fetch(request, env, ctx);
    return response.status === 404 ? kvWorker.fetch(request, env, ctx) : response;
  },
  scheduled: kvWorker.scheduled,
};

export default fixture;
