import type { RetryOption } from '../http/retry-policy.js';
import type { Clock, Random } from '../ports/clock.js';
import type { HttpTransport } from '../ports/http-transport.js';
import type { Logger } from '../ports/logger.js';
import type { TokenStore } from '../ports/token-store.js';

/** Per-attempt time limits by call class, in milliseconds. */
export interface Timeouts {
  /** register, heartbeat, update-card, state, secrets, peers, discover, plugin report, token mint. */
  control: number;
  /** activity feed, notify, sendMessage (replies). */
  inbound: number;
  /** callPeer, direct and through the proxy. */
  peer: number;
  /** plugin download, until the headers arrive. */
  pluginDownload: number;
  /** plugin download body: the longest silence between two chunks before the download fails. */
  pluginDownloadIdle: number;
  /** delegate. */
  delegate: number;
}

/**
 * The Python SDK's timeouts: 10 s control, 15 s inbound, 30 s peers, 60 s download (headers, then
 * at most 60 s between two body chunks, as `requests`' read timeout did), 300 s delegate.
 */
export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = Object.freeze({
  control: 10_000,
  inbound: 15_000,
  peer: 30_000,
  pluginDownload: 60_000,
  pluginDownloadIdle: 60_000,
  delegate: 300_000,
});

/** The Python SDK's peer URL cache lifetime. */
export const DEFAULT_PEER_CACHE_TTL_MS = 300_000;

/** Sent as `url` at register when the agent has no inbound URL (Python parity; see `reportedUrl`). */
export const PLACEHOLDER_REPORTED_URL = 'remote://no-inbound';

export interface AgentClientOptions {
  /** This agent's workspace id: a UUID (anything else is a ConfigError, before any request). */
  workspaceId: string;
  /** Base URL of the platform, e.g. `https://acme.moleculesai.app`. A path prefix is kept. */
  platformUrl: string;
  /** Where the bearer token is kept between runs. */
  tokenStore: TokenStore;
  /** Sent at register and update-card. Default `{name: "remote-agent-<first 8 chars of id>"}`. */
  agentCard?: Record<string, unknown> | undefined;
  /**
   * The agent's inbound URL. Default `remote://no-inbound` (Python parity); note that the server of
   * the contract refuses non-http(s) URLs at register (400), so poll-only agents need a platform
   * that accepts the placeholder.
   */
  reportedUrl?: string | undefined;
  /** SaaS tenant id, sent as `X-Molecule-Org-Id` on every platform request. */
  orgId?: string | undefined;
  /**
   * The `Origin` header. Default: the platform's origin when `orgId` is set, else none.
   * `''` = the platform's origin, `null` = never, any other string = verbatim.
   */
  origin?: string | null | undefined;
  /** A token to use instead of (and before) the store's; it is not written to the store. */
  token?: string | undefined;
  /**
   * A fetch implementation to send requests with (e.g. a platform simulator's handler in tests).
   * Default: the global fetch. Not together with `transport`.
   */
  fetch?: typeof fetch | undefined;
  /**
   * How requests are sent. Default: over `fetch`. The Node and Bun packages pass their own (Node: a
   * keep-alive undici pool shared by every client of the process). Not together with `fetch`.
   */
  transport?: HttpTransport | undefined;
  clock?: Clock | undefined;
  random?: Random | undefined;
  logger?: Logger | undefined;
  timeouts?: Partial<Timeouts>;
  /** `'default'` (Python parity: GET 429 only), `'wide'`, `'none'` or a partial policy. */
  retry?: RetryOption;
  /** Lifetime of discovered peer URLs. Default 300 000 ms. */
  peerCacheTtlMs?: number;
  /** Cap on response bodies read into memory. Default 10 MiB. */
  maxResponseBytes?: number;
}
