/**
 * Options of `createPlatformSim`, each mirroring one of the server's switches.
 */
import type { FaultPlan } from './faults.js';
import type { PluginFiles } from './plugins/tree.js';

/** Options of {@link createPlatformSim}. Every one is optional. */
export interface PlatformSimOptions {
  /**
   * `ADMIN_TOKEN`. Default: a random 43-character token (exposed as `sim.adminToken`).
   * `false` models a server with `ADMIN_TOKEN` unset: AdminAuth falls back to workspace tokens,
   * and together with `devMode` the dev fail-open paths switch on (no-bearer WorkspaceAuth,
   * rate limiter off) — exactly as on the server, where both need `ADMIN_TOKEN` unset.
   */
  adminToken?: string | false;
  /**
   * `MOLECULE_ENV=dev`. Loopback and private agent URLs are allowed at dispatch (the a2a proxy
   * can reach `http://localhost:<port>` agents). With `adminToken: false` as well (the server's
   * dev fail-open): the rate limiter is skipped (`X-RateLimit-Limit: unlimited`), discovery
   * accepts any caller and `/workspaces/:id/*` accepts requests that carry no bearer at all.
   */
  devMode?: boolean;
  /**
   * `MOLECULE_ENV=production`: `GET /admin/workspaces/:id/test-token` answers 404
   * `{"error":"not found"}` unless {@link enableTestTokens} is set.
   */
  production?: boolean;
  /** `MOLECULE_ENABLE_TEST_TOKENS=1`: keeps the test-token route on in production. */
  enableTestTokens?: boolean;
  /**
   * `CANVAS_PROXY_URL` (the SaaS tenant image). When set, a same-origin canvas request (`Referer`
   * starting `http(s)://<Host>/` or `Origin` equal to `http(s)://<Host>`) passes TenantGuard, and
   * WorkspaceAuth when it carries no bearer. Nothing is proxied: unknown routes stay gin's 404.
   */
  canvasProxyUrl?: string;
  /** `MOLECULE_DEPLOY_MODE=saas`: RFC-1918 agent URLs allowed. Default: `true` when `orgId` is set. */
  saasMode?: boolean;
  /** `MOLECULE_ORG_ID`: turns TenantGuard on (empty-body 404 without `X-Molecule-Org-Id`). */
  orgId?: string;
  /** `RATE_LIMIT` requests per minute per client IP (default 600); `false` disables the limiter. */
  rateLimit?: number | false;
  /** `CORS_ORIGINS`. Default `['http://localhost:3000', 'http://localhost:3001']`. */
  corsOrigins?: string[];
  /**
   * How `GET /workspaces/:id/activity` behaves.
   * `'server'` (default): the server today — no cursor, `since_id`/`peer_id`/`before_ts` ignored,
   * newest first, cap 500. `'cursor'`: the newer contract the Python SDK expects — `since_id`
   * exclusive cursor, `peer_id`, `before_ts`, oldest first, 410 when the `since_id` row is gone.
   */
  activityFeed?: 'server' | 'cursor';
  /**
   * Accept a non-http(s) URL such as `remote://no-inbound` at register (poll-only agents).
   * Default `false`: 400 `invalid request body`, like the server. When accepted, A2A messages to
   * such a workspace are written as activity rows for the agent to poll (see README).
   */
  allowPlaceholderUrl?: boolean;
  /** How the A2A proxy reaches agents' registered URLs. Default: the global `fetch`. */
  pushFetch?: typeof fetch;
  /**
   * Keep every request in `sim.requests` (default `true`). `false` for long runs with many agents
   * (benchmarks, soak tests): the list would grow without bound and recording costs time per request.
   */
  recordRequests?: boolean;
  /** Time source in epoch milliseconds. Default `Date.now`. */
  clock?: { now(): number };
  /** Makes ids, tokens and fault decisions deterministic. */
  seed?: number;
  /** Fault injection plan (can be replaced later with `sim.setFaults`). */
  faults?: FaultPlan;
  /**
   * Resolves a host name to IP addresses (register-time URL validation and dispatch safety).
   * Default: `localhost`/`*.localhost` → loopback, `host.docker.internal` → 172.17.0.1, names
   * under `.invalid` fail, every other name resolves to a public address.
   */
  resolveHost?: (hostname: string) => string[] | Promise<string[]>;
  /** Plugins served by `local://<name>`, added at creation. */
  plugins?: Record<string, PluginFiles>;
  /** Looked up when a `local://` plugin is not in memory (e.g. a folder; see `/node`). */
  pluginSource?: (name: string) => Promise<PluginFiles | undefined>;
  /** `PLUGIN_ALLOW_UNPINNED=true`: accept `github://owner/repo` without `#ref`. */
  pluginAllowUnpinned?: boolean;
  /** `PLUGIN_INSTALL_MAX_DIR_BYTES` (default 104857600). */
  pluginMaxDirBytes?: number;
  /** `PLUGIN_INSTALL_FETCH_TIMEOUT` in ms for `pluginSource` (default 300000); over it → 504. */
  pluginFetchTimeoutMs?: number;
  /** The org plugin allowlist used by install (empty allows everything). */
  pluginAllowlist?: string[];
  /** uid/gid/uname/gname written into tarballs (default 1000/1000, empty names). */
  tarOwner?: { uid?: number; gid?: number; uname?: string; gname?: string };
  /** `A2A_IDLE_TIMEOUT_SECONDS` in ms (default 300000); reset by the target's heartbeats. */
  a2aIdleTimeoutMs?: number;
  /** Pause before the single retry of a failed delegation (server: 8000 ms). */
  delegationRetryDelayMs?: number;
  /**
   * Behave like a self-hosted platform with a Docker provisioner: a failed dispatch to a
   * workspace whose runtime is not `external` marks it offline and answers 503 `restarting`.
   */
  dockerProvisioner?: boolean;
  /** The platform URL written into `POST /workspaces` connection snippets (default: request origin). */
  platformUrl?: string;
}

/** Options with defaults applied. */
export interface ResolvedOptions {
  adminToken: string;
  devMode: boolean;
  production: boolean;
  enableTestTokens: boolean;
  canvasProxyUrl: string;
  saasMode: boolean;
  orgId: string;
  rateLimit: number | false;
  corsOrigins: string[];
  activityFeed: 'server' | 'cursor';
  allowPlaceholderUrl: boolean;
  pushFetch: typeof fetch;
  clock: { now(): number };
  seed: number | undefined;
  resolveHost: (hostname: string) => string[] | Promise<string[]>;
  pluginSource: ((name: string) => Promise<PluginFiles | undefined>) | undefined;
  pluginAllowUnpinned: boolean;
  pluginMaxDirBytes: number;
  pluginFetchTimeoutMs: number;
  pluginAllowlist: string[];
  tarOwner: { uid: number; gid: number; uname: string; gname: string };
  a2aIdleTimeoutMs: number;
  delegationRetryDelayMs: number;
  dockerProvisioner: boolean;
  platformUrl: string | undefined;
}

/** The default host resolver: deterministic, no network. */
export function defaultResolveHost(hostname: string): string[] {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return ['127.0.0.1', '::1'];
  if (h === 'host.docker.internal') return ['172.17.0.1'];
  if (h === 'invalid' || h.endsWith('.invalid')) throw new Error(`lookup ${hostname}: no such host`);
  return ['93.184.216.34'];
}
