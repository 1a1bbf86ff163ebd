import type {
  AgentClient,
  Clock,
  HandlerContext,
  Logger,
  MessageHandler,
  Random,
} from '@molecule-ai/agent-core';
import type { KvNamespaceLike } from '../stores/kv-namespace.js';
import type { AgentTickReport } from './agent-tick-report.js';

/** A value read from the Worker's environment (bindings, vars, secrets) on each invocation. */
export type FromEnv<Env, T> = (env: Env) => T;

/** What the message handler of a Worker agent receives besides the message. */
export interface AgentWorkerContext<Env> extends HandlerContext {
  /** The Worker's bindings, vars and secrets. */
  env: Env;
  /** The protocol client of this workspace (notify, call peers, delegate, ...). */
  client: AgentClient;
  /**
   * Keeps the invocation alive for work that outlives the reply: the pushed request's response, or
   * the end of the cron tick. E.g. `waitUntil(client.notify('done'))` after returning an early reply.
   */
  waitUntil(promise: Promise<unknown>): void;
  /** The pushed HTTP request; absent for a message read from the activity feed by the cron tick. */
  request?: Request;
}

/** The A2A push endpoint of a Worker agent. */
export interface AgentWorkerPushOptions<Env> {
  /** The Worker's public origin, e.g. `https://my-agent.acme.workers.dev`. */
  url: FromEnv<Env, string>;
  /**
   * The secret part of the endpoint's path: the endpoint is `/a2a/<secret>` (and `/a2a/<secret>/a2a`).
   * The platform sends no credentials with pushed messages, so this path is the only protection:
   * keep it in a Worker secret, at least 16 URL-safe characters (`A-Z a-z 0-9 _ -`).
   */
  secret: FromEnv<Env, string>;
}

/** Options of {@link defineAgentWorker}. Functions of `env` are called on each invocation. */
export interface AgentWorkerOptions<Env> {
  /** This agent's workspace id. */
  workspaceId: FromEnv<Env, string>;
  /** Base URL of the platform, e.g. `https://acme.moleculesai.app`. */
  platformUrl: FromEnv<Env, string>;
  /**
   * The KV namespace that keeps the agent's state, each under `<prefix><kind>:<workspaceId>`:
   * the token (`token:`), the inbound cursor (`cursor:`), the loop state (`loop:`) and the stop
   * marker (`stopped:`).
   */
  kv: FromEnv<Env, KvNamespaceLike>;
  /**
   * A pre-minted workspace token (e.g. a Worker secret), used before the one in KV and never written
   * to it. Recommended in production: it sidesteps KV's eventual consistency (see the README).
   */
  token?: FromEnv<Env, string | undefined>;
  /** Handles each inbound message; a returned string is the reply. */
  handler: MessageHandler<AgentWorkerContext<Env>>;
  /**
   * Serve pushed messages at `<url>/a2a/<secret>` and register that URL. Without it the agent is
   * poll-only: each cron tick reads the activity feed (the cursor is kept in KV).
   */
  push?: AgentWorkerPushOptions<Env>;
  /** Sent at register. Default: `{name: "remote-agent-<first 8 chars of id>"}`. */
  agentCard?: Record<string, unknown> | FromEnv<Env, Record<string, unknown>>;
  /** The URL registered by a poll-only agent (default: the core's placeholder). */
  reportedUrl?: FromEnv<Env, string | undefined>;
  /** SaaS tenant id (`X-Molecule-Org-Id`). */
  orgId?: FromEnv<Env, string | undefined>;
  /** How to reach the platform, e.g. a service binding's `fetch`. Default: the global `fetch`. */
  platformFetch?: FromEnv<Env, typeof fetch>;
  /** KV key prefix. Default `molecule:`. */
  prefix?: string;
  /** Messages read from the feed per tick (1..500). Default 100. */
  pollLimit?: number;
  /** Logs of the client, the tick and the handlers. Default: silent. */
  logger?: FromEnv<Env, Logger>;
  /** Called with the report of every cron tick (e.g. to log it or export a metric). */
  onTick?: (report: AgentTickReport, env: Env) => void | Promise<void>;
  clock?: Clock;
  random?: Random;
}
