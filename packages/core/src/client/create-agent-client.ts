import { ConfigError } from '../errors.js';
import { createFetchTransport } from '../http/fetch-transport.js';
import { resolveOriginHeader } from '../http/headers.js';
import { resolveRetryPolicy } from '../http/retry-policy.js';
import { basePathOf, encodeSegment, parsePlatformUrl } from '../http/url.js';
import { systemClock, systemRandom } from '../ports/clock.js';
import { silentLogger } from '../ports/logger.js';
import type { ActivityRow } from '../schemas/platform.js';
import { checkDuration } from '../util/duration-limit.js';
import { createScrubbingLogger } from '../util/scrubbing-logger.js';
import { SecretScrubber } from '../util/secret-scrubber.js';
import { type FetchActivityOptions, fetchActivity, type NotifyAttachment, notify } from './activity.js';
import { attachClientContext, withClientContext } from './client-context.js';
import type { ClientContext } from './context.js';
import { type DelegateOptions, type DelegateResult, delegate } from './delegate.js';
import {
  type AgentClientOptions,
  DEFAULT_PEER_CACHE_TTL_MS,
  DEFAULT_TIMEOUTS,
  PLACEHOLDER_REPORTED_URL,
  type Timeouts,
} from './options.js';
import { PeerCache } from './peer-cache.js';
import {
  type DiscoverOptions,
  discoverPeer,
  type GetPeersOptions,
  getPeers,
  invalidatePeer,
  type PeerInfo,
} from './peers.js';
import {
  type CallOptions,
  type HeartbeatReport,
  heartbeat,
  mintToken,
  type RegisterResult,
  register,
  updateCard,
} from './registry.js';
import { TokenCache } from './token-cache.js';
import { pollState, pullSecrets, type WorkspaceState } from './workspace.js';
import { checkWorkspaceId } from './workspace-id.js';

/**
 * The protocol client of one workspace. Every method is one platform exchange. Peer calls are the
 * functions `callPeer(client, …)` and `sendMessage(client, …)` of the same entry, so that a client
 * that never calls peers does not carry the A2A envelopes.
 */
export interface AgentClient {
  readonly workspaceId: string;
  /** The normalised platform URL (no trailing slash). */
  readonly platformUrl: string;
  /** The card sent at register (updated by `updateCard`). */
  readonly agentCard: Readonly<Record<string, unknown>>;
  /** The inbound URL sent at register; settable before (re-)registering, e.g. once a push server listens. */
  reportedUrl: string;

  /** Registers (or re-registers) the workspace; saves an issued token. Throws TokenLostError when no token exists anywhere. */
  register(options?: CallOptions): Promise<RegisterResult>;
  /** Reports liveness and load. */
  heartbeat(report?: HeartbeatReport, options?: CallOptions): Promise<void>;
  /** Publishes a new agent card. */
  updateCard(agentCard: Record<string, unknown>, options?: CallOptions): Promise<void>;
  /** Reads status, paused and deleted. */
  pollState(options?: CallOptions): Promise<WorkspaceState>;
  /** Reads the workspace's secrets (global ones overlaid by its own). */
  pullSecrets(options?: CallOptions): Promise<Record<string, string>>;
  /** Lists the workspaces this one can see; seeds the peer URL cache. */
  getPeers(options?: GetPeersOptions): Promise<PeerInfo[]>;
  /** A peer's direct URL (cached), or `null` when there is none to call. */
  discoverPeer(targetId: string, options?: DiscoverOptions): Promise<string | null>;
  /** Forgets a peer's cached URL. */
  invalidatePeer(targetId: string): void;
  /** Hands a task to another workspace through the platform (fire-and-forget, idempotent). */
  delegate(task: string, targetId: string, options?: DelegateOptions): Promise<DelegateResult>;
  /** Reads raw activity rows (every type unless `type` is given). */
  fetchActivity(options?: FetchActivityOptions): Promise<ActivityRow[]>;
  /** Sends a message to the canvas (the user). */
  notify(text: string, attachments?: NotifyAttachment[], options?: CallOptions): Promise<void>;
  /** Mints and saves a new workspace token with an admin credential (token-loss recovery). */
  mintToken(adminToken: string, options?: CallOptions): Promise<{ token: string }>;
  /** A safe summary (never the token). */
  toJSON(): Record<string, unknown>;
}

function resolveTimeouts(overrides: Partial<Timeouts> | undefined): Timeouts {
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS };
  for (const [key, value] of Object.entries(overrides ?? {}) as [keyof Timeouts, number | undefined][]) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_TIMEOUTS)) throw new ConfigError(`timeouts.${key} is not a known timeout`);
    timeouts[key] = checkDuration(`timeouts.${key}`, value);
  }
  return timeouts;
}

/**
 * Creates the client of one workspace. Validates the options (ConfigError) but does no I/O.
 *
 * @example
 * const client = createAgentClient({ workspaceId, platformUrl, tokenStore });
 * await client.register();
 * const state = await client.pollState();
 */
export function createAgentClient(options: AgentClientOptions): AgentClient {
  checkWorkspaceId(options.workspaceId);
  encodeSegment(options.workspaceId, 'workspaceId');
  if (!options.tokenStore) throw new ConfigError('tokenStore is required');
  const platformBase = parsePlatformUrl(options.platformUrl);
  const platformOrigin = platformBase.origin;
  const clock = options.clock ?? systemClock;
  const secrets = new SecretScrubber();
  // Silent stays the very same object: the request path skips building debug fields for it.
  const logger =
    options.logger === undefined || options.logger === silentLogger
      ? silentLogger
      : createScrubbingLogger(options.logger, secrets);
  if (options.transport !== undefined && options.fetch !== undefined) {
    throw new ConfigError('pass either transport or fetch, not both');
  }
  const globalFetch = globalThis.fetch;
  const transport =
    options.transport ??
    createFetchTransport(
      options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalFetch(input, init)),
    );
  const orgId = options.orgId || undefined;
  const ttl = options.peerCacheTtlMs ?? DEFAULT_PEER_CACHE_TTL_MS;
  if (!Number.isFinite(ttl) || ttl < 0) throw new ConfigError('peerCacheTtlMs must be a non-negative number');
  const ctx: ClientContext = {
    workspaceId: options.workspaceId,
    platformBase,
    platformOrigin,
    basePath: basePathOf(platformBase),
    orgId,
    originHeader: resolveOriginHeader(options.origin, platformOrigin, orgId),
    tokens: new TokenCache(options.tokenStore, options.workspaceId, options.token, secrets),
    http: {
      transport,
      clock,
      random: options.random ?? systemRandom,
      logger,
      retry: resolveRetryPolicy(options.retry),
      maxResponseBytes: options.maxResponseBytes ?? 10 * 1024 * 1024,
    },
    clock,
    random: options.random ?? systemRandom,
    logger,
    timeouts: resolveTimeouts(options.timeouts),
    startedAtMs: clock.now(),
    agentCard:
      options.agentCard && Object.keys(options.agentCard).length > 0
        ? options.agentCard
        : { name: `remote-agent-${options.workspaceId.slice(0, 8)}` },
    reportedUrl: options.reportedUrl || PLACEHOLDER_REPORTED_URL,
    peers: new PeerCache(ttl),
    secrets,
  };
  const platformUrl = platformOrigin + basePathOf(platformBase);
  const client: Record<string, unknown> = {
    workspaceId: ctx.workspaceId,
    platformUrl,
    get agentCard() {
      return ctx.agentCard;
    },
    get reportedUrl() {
      return ctx.reportedUrl;
    },
    set reportedUrl(url: string) {
      ctx.reportedUrl = url || PLACEHOLDER_REPORTED_URL;
    },
    invalidatePeer: (id: string) => invalidatePeer(ctx, id),
    toJSON: () => ({
      workspaceId: ctx.workspaceId,
      platformUrl,
      orgId: ctx.orgId,
      token: ctx.tokens.toJSON(),
    }),
  };
  const endpoints: Record<string, (ctx: ClientContext, ...args: never[]) => Promise<unknown>> = {
    register,
    heartbeat,
    updateCard,
    pollState,
    pullSecrets,
    getPeers,
    discoverPeer,
    delegate,
    fetchActivity,
    notify,
    mintToken,
  };
  for (const [name, endpoint] of Object.entries(endpoints)) {
    client[name] = (...args: never[]) => withClientContext(client, (context) => endpoint(context, ...args));
  }
  attachClientContext(client, ctx);
  return client as unknown as AgentClient;
}
