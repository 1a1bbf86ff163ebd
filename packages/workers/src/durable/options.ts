import type {
  AgentClient,
  Clock,
  HandlerContext,
  Logger,
  MessageHandler,
  Random,
} from '@molecule-ai/agent-core';
import type { KvNamespaceLike } from '../stores/kv-namespace.js';
import type { AgentTickReport } from '../worker/agent-tick-report.js';
import type { DurableObjectNamespaceLike, DurableObjectStateLike } from './host-types.js';

/** A value read from the environment for one workspace. */
export type FromEnvFor<Env, T> = (env: Env, workspaceId: string) => T;

/** What the message handler of a Durable Object agent receives besides the message. */
export interface AgentDurableObjectContext<Env> extends HandlerContext {
  /** The Worker's bindings, vars and secrets. */
  env: Env;
  /** The workspace this object is the agent of. */
  workspaceId: string;
  /** The protocol client of this workspace (notify, call peers, delegate, ...). */
  client: AgentClient;
  /** The object's state (`ctx`): its own storage for your data, beside the agent's keys. */
  state: DurableObjectStateLike;
  /** Keeps the object alive for work that outlives the reply (e.g. `waitUntil(client.notify('done'))`). */
  waitUntil(promise: Promise<unknown>): void;
  /** The pushed HTTP request; absent for a message read from the activity feed by an alarm. */
  request?: Request;
}

/** The push endpoint of Durable Object agents: one capability path per workspace. */
export interface AgentDurableObjectPushOptions<Env> {
  /** The Worker's public origin, e.g. `https://my-agents.acme.workers.dev`. */
  url: (env: Env) => string;
  /**
   * The secret each workspace's capability is derived from (HMAC): workspace `id` is served at
   * `/a2a/<id>/<43 characters>`. Keep it in a Worker secret, at least 16 URL-safe characters.
   */
  secret: (env: Env) => string;
}

/** Options of {@link defineAgentDurableObject}. Functions of `env` are called on each invocation. */
export interface AgentDurableObjectOptions<Env> {
  /**
   * The workspaces this Worker serves, one object each: a list, or one string of ids separated by
   * commas or whitespace (e.g. a var `WORKSPACE_IDS`). May be async, e.g. read from KV.
   */
  workspaces: (env: Env) => string | readonly string[] | Promise<string | readonly string[]>;
  /** The Durable Object namespace binding whose class is this definition's `DurableObject`. */
  namespace: (env: Env) => DurableObjectNamespaceLike;
  /** Base URL of the platform, e.g. `https://acme.moleculesai.app`. */
  platformUrl: (env: Env) => string;
  /** Handles each inbound message; a returned string is the reply. */
  handler: MessageHandler<AgentDurableObjectContext<Env>>;
  /**
   * Serve pushed messages and register each workspace's capability URL. Without it the agents are
   * poll-only: each object reads its activity feed every `pollIntervalMs`.
   */
  push?: AgentDurableObjectPushOptions<Env> | undefined;
  /**
   * A KV namespace to adopt from: an object that has no token yet takes over the token (and the
   * inbound cursor) a cron + KV agent ({@link defineAgentWorker}) kept there for its workspace, on
   * its first start, instead of registering without one.
   */
  adoptFrom?: ((env: Env) => KvNamespaceLike | undefined) | undefined;
  /** The KV key prefix of the agent to adopt from. Default `molecule:`. */
  adoptPrefix?: string | undefined;
  /** A pre-minted token for a workspace (a Worker secret); used before the stored one, never stored. */
  token?: FromEnvFor<Env, string | undefined> | undefined;
  /** Sent at register. Default: `{name: "remote-agent-<first 8 chars of id>"}`. */
  agentCard?: Record<string, unknown> | FromEnvFor<Env, Record<string, unknown> | undefined> | undefined;
  /** The URL a poll-only agent registers (default: the core's placeholder). */
  reportedUrl?: FromEnvFor<Env, string | undefined> | undefined;
  /** SaaS tenant id (`X-Molecule-Org-Id`). */
  orgId?: ((env: Env) => string | undefined) | undefined;
  /** How to reach the platform, e.g. a service binding's `fetch`. Default: the global `fetch`. */
  platformFetch?: ((env: Env) => typeof fetch) | undefined;
  /**
   * Serve `POST /agents/<id>/{start,resume,status}` on the Worker's `fetch`, for callers that send
   * `Authorization: Bearer <secret>` (16+ characters, a Worker secret). Without it these calls are
   * only available as the definition's methods (`start`, `resume`, `status`).
   */
  control?: { secret: (env: Env) => string } | undefined;
  /** Inbound poll cadence of a poll-only agent. Default 5 s (the core's). */
  pollIntervalMs?: number | undefined;
  /** Heartbeat cadence. Default 30 s (the core's). */
  heartbeatIntervalMs?: number | undefined;
  /** `/state` cadence (pause and delete detection). Default 30 s (the core's). */
  statePollIntervalMs?: number | undefined;
  /** Rows read from the feed per request (1..500). Default 100. */
  pollLimit?: number | undefined;
  /** Logs of the client, the tick and the handlers. Default: silent. */
  logger?: ((env: Env) => Logger) | undefined;
  /** Called with the report of every alarm (e.g. to log it or export a metric). */
  onAlarm?: ((report: AgentTickReport, env: Env) => void | Promise<void>) | undefined;
  /** Time of the loop's decisions and of the alarms it schedules. Default: the system clock. */
  clock?: Clock | undefined;
  random?: Random | undefined;
}
