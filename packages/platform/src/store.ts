/**
 * The simulator's database: workspaces, tokens, secrets, activity rows, the A2A queue and
 * plugins. Plain in-memory maps; the `Db*` helpers reproduce when Postgres would fail.
 */
import { canonicalUuid } from './ids.js';
import type { PluginTree } from './plugins/tree.js';

/** Workspace status values (the server's enum, plus `removed` and `awaiting_agent`). */
export type WorkspaceStatus =
  | 'provisioning'
  | 'online'
  | 'offline'
  | 'degraded'
  | 'failed'
  | 'paused'
  | 'hibernated'
  | 'removed'
  | 'awaiting_agent';

/** A row of `workspaces` plus the bits the server keeps in Redis or in memory. */
export interface WorkspaceRow {
  id: string;
  name: string;
  role: string | null;
  tier: number;
  runtime: string;
  status: WorkspaceStatus;
  /** `workspaces.url` ("" when unset). */
  url: string;
  parentId: string | null;
  agentCard: unknown;
  activeTasks: number;
  maxConcurrentTasks: number;
  uptimeSeconds: number;
  currentTask: string;
  errorRate: number;
  sampleError: string;
  monthlySpend: number;
  budgetLimit: number | null;
  lastHeartbeatAt: number | null;
  createdAt: number;
  /** Redis `ws:{id}` liveness key expiry (ms), null when absent. */
  livenessExpiresAt: number | null;
  /** Redis `ws:{id}:internal_url`: the URL reported at the last register (5 min TTL). */
  internalUrl: { url: string; expiresAt: number } | null;
  /** runtime_metadata.capabilities from the last heartbeat (kept in memory by the server). */
  capabilities: Record<string, boolean>;
  /** runtime_metadata.idle_timeout_seconds override, in ms. */
  idleTimeoutMs: number | null;
}

/** A row of `workspace_auth_tokens`. */
export interface TokenRow {
  id: string;
  workspaceId: string;
  hash: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** A row of the org API token table (hash only). */
export interface OrgTokenRow {
  hash: string;
  createdAt: number;
  revokedAt: number | null;
}

/** A row of `activity_logs`. Bodies are JSON values as stored in jsonb. */
export interface ActivityRow {
  id: string;
  workspaceId: string;
  activityType: string;
  sourceId: string | null;
  targetId: string | null;
  method: string | null;
  summary: string | null;
  requestBody?: unknown;
  responseBody?: unknown;
  toolTrace?: unknown;
  durationMs: number | null;
  status: string;
  errorDetail: string | null;
  /** Microseconds since the epoch (Postgres precision); unique and increasing. */
  createdAtMicros: number;
  idempotencyKey?: string;
}

/** An A2A request parked by the proxy because the agent was busy. */
export interface QueueItem {
  id: string;
  workspaceId: string;
  callerId: string;
  body: string;
  attempts: number;
  createdAt: number;
  /** Set when the queued request came from `/delegate`. */
  delegation?: { sourceId: string; delegationId: string };
}

/** A message an agent sent to the canvas through `/notify`. */
export interface NotificationRecord {
  workspaceId: string;
  message: string;
  attachments: Array<{ uri: string; name: string; mimeType?: string; size?: number }>;
  at: number;
}

/** A secret value; `corrupt` simulates a value that fails to decrypt. */
export interface SecretValue {
  value: string;
  corrupt?: boolean;
}

/** All simulator state. */
export class Store {
  readonly workspaces: Map<string, WorkspaceRow> = new Map();
  readonly tokens: TokenRow[] = [];
  readonly orgTokens: OrgTokenRow[] = [];
  /** CP session cookie values the simulator issued. */
  readonly cpSessions: Set<string> = new Set();
  readonly activity: ActivityRow[] = [];
  readonly secrets: Map<string, Map<string, SecretValue>> = new Map();
  readonly globalSecrets: Map<string, SecretValue> = new Map();
  readonly plugins: Map<string, PluginTree> = new Map();
  readonly githubPlugins: Map<string, PluginTree> = new Map();
  readonly queue: QueueItem[] = [];
  readonly notifications: NotificationRecord[] = [];
  private lastMicros = 0;

  /** A unique, increasing `created_at` in microseconds for the given clock time. */
  nextMicros(nowMs: number): number {
    const m = Math.max(Math.floor(nowMs * 1000), this.lastMicros + 1);
    this.lastMicros = m;
    return m;
  }

  /** Looks up a workspace by any id form; `undefined` when absent or not a UUID. */
  find(id: string): WorkspaceRow | undefined {
    const c = canonicalUuid(id);
    return c ? this.workspaces.get(c) : undefined;
  }

  /** Token rows by hash and by workspace: every authenticated request looks one up. */
  private readonly tokensByHash: Map<string, TokenRow[]> = new Map();
  private readonly tokensByWorkspace: Map<string, TokenRow[]> = new Map();

  /** Adds a token row (the only way rows enter `tokens`, so the indexes stay complete). */
  addToken(row: TokenRow): void {
    this.tokens.push(row);
    for (const [index, key] of [
      [this.tokensByHash, row.hash],
      [this.tokensByWorkspace, row.workspaceId],
    ] as const) {
      const list = index.get(key);
      if (list) list.push(row);
      else index.set(key, [row]);
    }
  }

  /** The live (unrevoked) token row with this hash, if any. */
  liveTokenByHash(hash: string): TokenRow | undefined {
    return this.tokensByHash.get(hash)?.find((t) => t.revokedAt === null);
  }

  /** Live (unrevoked) tokens of a workspace. */
  liveTokens(workspaceId: string): TokenRow[] {
    return (this.tokensByWorkspace.get(workspaceId) ?? []).filter((t) => t.revokedAt === null);
  }

  /** Ids of every descendant of a workspace (children first, depth-first). */
  descendants(id: string): string[] {
    const out: string[] = [];
    const walk = (pid: string): void => {
      for (const ws of this.workspaces.values()) {
        if (ws.parentId === pid && !out.includes(ws.id)) {
          out.push(ws.id);
          walk(ws.id);
        }
      }
    };
    walk(id);
    return out;
  }
}
