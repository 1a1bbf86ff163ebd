import { ConfigError } from '@molecule-ai/agent-core';
import {
  constantTimeEqual,
  matchWorkspacePushPath,
  workspacePushPath,
} from '@molecule-ai/agent-core/inbound';
import type { ExecutionContextLike, ScheduledControllerLike } from '../worker/host-types.js';
import { type AgentDurableObjectClass, createAgentObjectClass } from './agent-object.js';
import type { DurableObjectNamespaceLike } from './host-types.js';
import {
  type AgentObjectStatus,
  CONTROL_OPS,
  OBJECT_OP_HEADER,
  OBJECT_WORKSPACE_HEADER,
  type ObjectOp,
} from './object-protocol.js';
import type { AgentDurableObjectOptions } from './options.js';

/** What {@link defineAgentDurableObject} returns: the object class and the Worker around it. */
export interface AgentDurableObjectDefinition<Env> {
  /**
   * The Durable Object class. Export it from the Worker's main module under the `class_name` of
   * the namespace binding: `export const MoleculeAgent = agents.DurableObject;`.
   */
  readonly DurableObject: AgentDurableObjectClass<Env>;
  /**
   * The Worker's `fetch`: forwards a pushed A2A request on `/a2a/<workspace id>/<capability>` to
   * that workspace's object (the object's JSON-RPC response is the reply), serves the control
   * routes when `control` is set, and answers 404 to everything else.
   */
  fetch(request: Request, env: Env, ctx?: ExecutionContextLike): Promise<Response>;
  /** A cron entry point that starts every configured workspace's object (idempotent). */
  scheduled(controller: ScheduledControllerLike, env: Env, ctx?: ExecutionContextLike): Promise<void>;
  /** Starts one workspace's agent: its first alarm fires now, unless it runs or was stopped. */
  start(env: Env, workspaceId: string): Promise<AgentObjectStatus>;
  /** Starts every configured workspace's agent. */
  startAll(env: Env): Promise<AgentObjectStatus[]>;
  /**
   * Lets a stopped agent (paused, deleted, revoked) work again: forgets the stop and the loop
   * state and fires an alarm now, which registers anew. Call it after resuming the workspace.
   */
  resume(env: Env, workspaceId: string): Promise<AgentObjectStatus>;
  /** What one workspace's object reports about itself. */
  status(env: Env, workspaceId: string): Promise<AgentObjectStatus>;
  /** The configured workspace ids, parsed. */
  workspaces(env: Env): Promise<string[]>;
  /** The push path a workspace registers (`/a2a/<id>/<capability>`), or `null` without `push`. */
  pushPath(env: Env, workspaceId: string): Promise<string | null>;
}

const CONTROL_ROUTE = /^\/agents\/([A-Za-z0-9_-]{1,128})\/([a-z]+)$/;

function parseWorkspaces(value: string | readonly string[]): string[] {
  const list = typeof value === 'string' ? value.split(/[\s,]+/) : [...value];
  return [...new Set(list.map((id) => id.trim()).filter((id) => id !== ''))];
}

/**
 * Defines Molecule remote agents that live in Durable Objects: one object per workspace, each
 * running the core's agent loop on its own alarms (poll every 5 s, heartbeat and `/state` every
 * 30 s, the core's backoff), registering once, with its token, cursor, handled ids and loop
 * state in the object's strongly consistent storage. Pause, delete and revoke end the alarms;
 * `resume` starts them again. Pushed messages reach the right object through the Worker's
 * `fetch`. Many workspaces share one Worker: `workspaces` names them.
 *
 * @example
 * const agents = defineAgentDurableObject<Env>({
 *   workspaces: (env) => env.WORKSPACE_IDS,
 *   namespace: (env) => env.AGENTS,
 *   platformUrl: (env) => env.PLATFORM_URL,
 *   handler: (message) => `You said: ${message.text}`,
 * });
 * export const MoleculeAgent = agents.DurableObject;
 * export default { fetch: agents.fetch, scheduled: agents.scheduled };
 */
export function defineAgentDurableObject<Env>(
  options: AgentDurableObjectOptions<Env>,
): AgentDurableObjectDefinition<Env> {
  const workspaces = async (env: Env): Promise<string[]> => parseWorkspaces(await options.workspaces(env));

  const call = async (env: Env, workspaceId: string, op: ObjectOp): Promise<AgentObjectStatus> => {
    const served = await workspaces(env);
    if (!served.includes(workspaceId)) {
      throw new ConfigError(`workspace ${workspaceId} is not one of the configured workspaces`);
    }
    const response = await forward(
      env,
      workspaceId,
      op,
      new Request(`https://agent.internal/${op}`, { method: 'POST' }),
    );
    if (!response.ok)
      throw new ConfigError(`the agent object of ${workspaceId} answered ${response.status} to ${op}`);
    return (await response.json()) as AgentObjectStatus;
  };

  const forward = (env: Env, workspaceId: string, op: ObjectOp, request: Request): Promise<Response> => {
    const namespace: DurableObjectNamespaceLike = options.namespace(env);
    const stub = namespace.get(namespace.idFromName(workspaceId));
    const headers = new Headers(request.headers);
    headers.set(OBJECT_OP_HEADER, op);
    headers.set(OBJECT_WORKSPACE_HEADER, workspaceId);
    return stub.fetch(new Request(request, { headers }));
  };

  const definition: AgentDurableObjectDefinition<Env> = {
    DurableObject: createAgentObjectClass(options),
    async fetch(request, env) {
      const { pathname } = new URL(request.url);
      if (options.push) {
        const served = new Set(await workspaces(env));
        const target = await matchWorkspacePushPath(pathname, options.push.secret(env), (id) =>
          served.has(id),
        );
        if (target) return forward(env, target.workspaceId, 'push', request);
      }
      const control = options.control ? CONTROL_ROUTE.exec(pathname) : null;
      if (control && options.control) {
        const secret = options.control.secret(env);
        if (!secret || secret.length < 16)
          throw new ConfigError('control.secret must be at least 16 characters');
        const given = request.headers.get('authorization') ?? '';
        if (!constantTimeEqual(given, `Bearer ${secret}`)) return new Response(null, { status: 401 });
        const [, workspaceId = '', op = ''] = control;
        if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
        if (!CONTROL_OPS.includes(op as ObjectOp) || !(await workspaces(env)).includes(workspaceId)) {
          return new Response(null, { status: 404 });
        }
        return forward(env, workspaceId, op as ObjectOp, new Request(request.url, { method: 'POST' }));
      }
      return new Response(null, { status: 404 });
    },
    async scheduled(_controller, env) {
      await definition.startAll(env);
    },
    start: (env, workspaceId) => call(env, workspaceId, 'start'),
    async startAll(env) {
      return Promise.all((await workspaces(env)).map((id) => call(env, id, 'start')));
    },
    resume: (env, workspaceId) => call(env, workspaceId, 'resume'),
    status: (env, workspaceId) => call(env, workspaceId, 'status'),
    workspaces,
    async pushPath(env, workspaceId) {
      return options.push ? workspacePushPath(options.push.secret(env), workspaceId) : null;
    },
  };
  return definition;
}
