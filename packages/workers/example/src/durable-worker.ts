import {
  type AgentDurableObjectClass,
  type AgentDurableObjectDefinition,
  type DurableObjectNamespaceLike,
  defineAgentDurableObject,
  type ExecutionContextLike,
  type ScheduledControllerLike,
} from '@molecule-ai/agent-workers';

/** The bindings of wrangler.durable.jsonc, plus the secrets. */
interface Env {
  AGENTS: DurableObjectNamespaceLike;
  PLATFORM_URL: string;
  /** The workspaces this Worker serves, separated by commas: one Durable Object each. */
  WORKSPACE_IDS: string;
  PUBLIC_URL: string;
  /** `wrangler secret put PUSH_SECRET`: each workspace's push capability is derived from it. */
  PUSH_SECRET: string;
  /** `wrangler secret put CONTROL_SECRET`: authorises `POST /agents/<id>/{start,resume,status}`. */
  CONTROL_SECRET: string;
}

const agents: AgentDurableObjectDefinition<Env> = defineAgentDurableObject<Env>({
  workspaces: (env) => env.WORKSPACE_IDS,
  namespace: (env) => env.AGENTS,
  platformUrl: (env) => env.PLATFORM_URL,
  push: { url: (env) => env.PUBLIC_URL, secret: (env) => env.PUSH_SECRET },
  control: { secret: (env) => env.CONTROL_SECRET },
  agentCard: (_env, workspaceId) => ({
    name: `echo-object-${workspaceId.slice(0, 8)}`,
    description: 'Echoes every message, from a Durable Object.',
  }),
  handler: (message, { workspaceId }) => `echo from ${workspaceId.slice(0, 8)}: ${message.text}`,
  onAlarm: (report) => {
    const ops = report.tick ? JSON.stringify(report.tick.plan) : '-';
    const error = report.error instanceof Error ? ` error=${report.error.message}` : '';
    console.log(
      `[agent ${report.workspaceId.slice(0, 8)}] alarm ${report.result}${report.registered ? ' (registered)' : ''} ops=${ops} stop=${report.stopReason ?? 'no'}${error}`,
    );
  },
});

/** The Durable Object class (wrangler.durable.jsonc binds it as AGENTS). */
export const MoleculeAgent: AgentDurableObjectClass<Env> = agents.DurableObject;

export default {
  fetch: (request: Request, env: Env, ctx: ExecutionContextLike): Promise<Response> =>
    agents.fetch(request, env, ctx),
  scheduled: (controller: ScheduledControllerLike, env: Env, ctx: ExecutionContextLike): Promise<void> =>
    agents.scheduled(controller, env, ctx),
};
