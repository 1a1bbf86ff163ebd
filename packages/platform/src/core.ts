/**
 * Shared services of one simulator instance: options, state, randomness, tokens, activity.
 */
import { BackgroundTasks, WorkspaceEvents } from './background.js';
import { newUuid } from './ids.js';
import type { ResolvedOptions } from './options.js';
import type { RandomSource } from './random.js';
import { type ActivityRow, Store, type WorkspaceRow } from './store.js';
import { newTokenPlaintext, sha256Hex } from './tokens.js';
import type { UrlPolicy } from './url-safety.js';

/** Redis liveness TTL (`db/redis.go: LivenessTTL`), 180 s. */
export const LIVENESS_TTL_MS = 180_000;
/** Redis URL cache TTL, 5 min. */
export const URL_CACHE_TTL_MS = 300_000;

/** The state and services every handler works with. */
export class SimCore {
  readonly store: Store = new Store();
  readonly background: BackgroundTasks = new BackgroundTasks();
  readonly events: WorkspaceEvents = new WorkspaceEvents();

  constructor(
    readonly options: ResolvedOptions,
    readonly random: RandomSource,
    readonly faultRandom: RandomSource,
  ) {}

  /** Now, in epoch ms, from the injected clock. */
  now(): number {
    return this.options.clock.now();
  }

  /** A fresh lowercase UUID. */
  newId(): string {
    return newUuid(this.random);
  }

  /** True when the server's dev fail-open applies (`MOLECULE_ENV=dev` and no `ADMIN_TOKEN`). */
  get devFailOpen(): boolean {
    return this.options.devMode && this.options.adminToken === '';
  }

  /** The URL policy for the current mode switches. */
  get urlPolicy(): UrlPolicy {
    return {
      saasMode: this.options.saasMode,
      devMode: this.options.devMode,
      resolveHost: this.options.resolveHost,
    };
  }

  /** `wsauth.IssueToken`: stores hash + prefix, returns the plaintext once. */
  async mintToken(workspaceId: string): Promise<string> {
    const plaintext = newTokenPlaintext(this.random);
    this.store.addToken({
      id: this.newId(),
      workspaceId,
      hash: await sha256Hex(plaintext),
      prefix: plaintext.slice(0, 8),
      createdAt: this.now(),
      lastUsedAt: null,
      revokedAt: null,
    });
    return plaintext;
  }

  /**
   * `wsauth.ValidateToken`: live token, bound to `workspaceId`, workspace not removed.
   * All failures collapse into `false`.
   */
  async validateToken(workspaceId: string, token: string): Promise<boolean> {
    if (!token) return false;
    const hash = await sha256Hex(token);
    const row = this.store.liveTokenByHash(hash);
    if (!row) return false;
    const ws = this.store.workspaces.get(row.workspaceId);
    if (!ws || ws.status === 'removed') return false;
    if (this.store.find(workspaceId)?.id !== row.workspaceId) return false;
    row.lastUsedAt = this.now();
    return true;
  }

  /** `wsauth.HasAnyLiveToken(id)` for a canonical id. */
  hasLiveToken(canonicalId: string): boolean {
    return this.store.liveTokens(canonicalId).length > 0;
  }

  /**
   * Applies the Redis liveness expiry: a workspace whose `ws:{id}` key expired goes offline
   * (except removed, paused, hibernated), as the liveness monitor does.
   */
  sweepLiveness(): void {
    const now = this.now();
    // Runs on every request: skip the walk over every workspace until the earliest expiry is due.
    if (now < this.nextExpiryAt) return;
    let next = Number.POSITIVE_INFINITY;
    for (const ws of this.store.workspaces.values()) {
      if (ws.livenessExpiresAt !== null && ws.livenessExpiresAt <= now) {
        ws.livenessExpiresAt = null;
        if (!['removed', 'paused', 'hibernated'].includes(ws.status)) ws.status = 'offline';
      }
      if (ws.internalUrl && ws.internalUrl.expiresAt <= now) ws.internalUrl = null;
      if (ws.livenessExpiresAt !== null && ws.livenessExpiresAt < next) next = ws.livenessExpiresAt;
      if (ws.internalUrl && ws.internalUrl.expiresAt < next) next = ws.internalUrl.expiresAt;
    }
    this.nextExpiryAt = next;
  }

  /**
   * Tells the liveness sweep about a new expiry time (a liveness key or a URL cache entry set);
   * expiries pushed later need no call.
   */
  noteExpiry(at: number): void {
    if (at < this.nextExpiryAt) this.nextExpiryAt = at;
  }

  /** The earliest liveness or URL-cache expiry not yet swept (a lower bound). */
  private nextExpiryAt: number = Number.NEGATIVE_INFINITY;

  /** Inserts an `activity_logs` row (`LogActivity`). */
  writeActivity(row: Omit<ActivityRow, 'id' | 'createdAtMicros'>): ActivityRow {
    const full: ActivityRow = {
      ...row,
      id: this.newId(),
      createdAtMicros: this.store.nextMicros(this.now()),
    };
    this.store.activity.push(full);
    return full;
  }

  /** Creates a workspace row with the column defaults. */
  createWorkspaceRow(init: Partial<WorkspaceRow> & { id: string }): WorkspaceRow {
    const row: WorkspaceRow = {
      name: init.id,
      role: null,
      tier: 1,
      runtime: 'langgraph',
      status: 'provisioning',
      url: '',
      parentId: null,
      agentCard: null,
      activeTasks: 0,
      maxConcurrentTasks: 1,
      uptimeSeconds: 0,
      currentTask: '',
      errorRate: 0,
      sampleError: '',
      monthlySpend: 0,
      budgetLimit: null,
      lastHeartbeatAt: null,
      createdAt: this.now(),
      livenessExpiresAt: null,
      internalUrl: null,
      capabilities: {},
      idleTimeoutMs: null,
      ...init,
    };
    this.store.workspaces.set(row.id, row);
    return row;
  }

  /** Marks a workspace removed and revokes all of its tokens (`WorkspaceHandler.Delete`). */
  removeWorkspace(ws: WorkspaceRow): void {
    ws.status = 'removed';
    ws.livenessExpiresAt = null;
    ws.internalUrl = null;
    const now = this.now();
    for (const t of this.store.liveTokens(ws.id)) t.revokedAt = now;
  }
}
