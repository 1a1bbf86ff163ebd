/**
 * `sim.admin`: drive the simulated platform from a test or a demo the way an operator or the
 * canvas would (create, pause, delete workspaces, set secrets, publish plugins, chat) and read
 * back what each workspace received.
 */
import type { SimCore } from './core.js';
import { CP_SESSION_COOKIE, issueCpSession, mintOrgToken } from './org-credentials.js';
import { type PluginFiles, toPluginTree } from './plugins/tree.js';
import { activityRowJson } from './routes/activity.js';
import { createWorkspace } from './routes/workspaces.js';
import type { ActivityRow, NotificationRecord, WorkspaceStatus } from './store.js';

/** Input of {@link SimAdmin.createWorkspace}. */
export interface AdminCreateWorkspaceInput {
  /** A UUID to use (default: a fresh one). */
  id?: string | undefined;
  /** Default `"Workspace <first 8 chars of id>"`. */
  name?: string | undefined;
  role?: string | undefined;
  /** Parent workspace id (for hierarchy / peer tests). */
  parentId?: string | undefined;
  /** `runtime: "external"`: a remote agent. */
  external?: boolean | undefined;
  /** The agent URL (external only): status `online`, no token minted. */
  url?: string | undefined;
  /** Default `external` for external workspaces, else `langgraph`. */
  runtime?: string | undefined;
  /** Default 3. */
  tier?: number | undefined;
  /** Monthly budget in cents (A2A answers 402 once spend reaches it). */
  budgetLimit?: number | undefined;
}

/** A read-only view of one workspace. */
export interface WorkspaceSnapshot {
  id: string;
  name: string;
  role: string | null;
  tier: number;
  runtime: string;
  status: WorkspaceStatus;
  url: string;
  parentId: string | null;
  agentCard: unknown;
  activeTasks: number;
  currentTask: string;
  uptimeSeconds: number;
  errorRate: number;
  sampleError: string;
  monthlySpend: number;
  budgetLimit: number | null;
  /** Epoch ms of the last heartbeat or register, or null. */
  lastHeartbeatAt: number | null;
  createdAt: number;
  /** Capabilities declared in the last heartbeat's runtime_metadata. */
  capabilities: Record<string, boolean>;
  /** Whether the Redis liveness key is present (expires 180 s after register/heartbeat). */
  live: boolean;
  /** Number of live (unrevoked) tokens. */
  liveTokens: number;
  /** A2A requests waiting in the busy queue. */
  queueDepth: number;
}

/** One parked A2A request. */
export interface QueuedRequestView {
  id: string;
  callerId: string;
  attempts: number;
  body: string;
}

/** The admin API. Unknown workspace ids throw a `RangeError`. */
export class SimAdmin {
  /** @internal The simulator creates its admin API; users get it as `sim.admin`. */
  constructor(
    private readonly core: SimCore,
    private readonly sendRequest: (request: Request) => Promise<Response>,
  ) {}

  private ws(id: string) {
    const ws = this.core.store.find(id);
    if (!ws) throw new RangeError(`unknown workspace ${id}`);
    return ws;
  }

  /**
   * Creates a workspace like `POST /workspaces`. An external workspace without `url` gets a
   * token minted at creation (returned once) and status `awaiting_agent`; its first register
   * must then carry that bearer and returns no token.
   */
  async createWorkspace(input: AdminCreateWorkspaceInput = {}): Promise<{ id: string; token?: string }> {
    const id = input.id ?? this.core.newId();
    const result = await createWorkspace(this.core, {
      id,
      name: input.name ?? `Workspace ${id.slice(0, 8)}`,
      role: input.role,
      tier: input.tier,
      runtime: input.runtime,
      external: input.external,
      url: input.url,
      parentId: input.parentId,
      budgetLimit: input.budgetLimit,
    });
    if (!result.ok) throw new RangeError(`cannot create workspace: bad id or unknown parent (${id})`);
    return result.token !== undefined ? { id: result.id, token: result.token } : { id: result.id };
  }

  /** Pauses a workspace and its descendants: status `paused`, URL cleared; tokens keep working. */
  async pause(id: string): Promise<void> {
    const root = this.ws(id);
    for (const wid of [root.id, ...this.core.store.descendants(root.id)]) {
      const w = this.core.store.workspaces.get(wid)!;
      if (w.status === 'removed' || w.status === 'paused') continue;
      w.status = 'paused';
      w.url = '';
      w.livenessExpiresAt = null;
      w.internalUrl = null;
    }
  }

  /** Resumes a paused workspace: status `provisioning` until the agent heartbeats or registers. */
  async resume(id: string): Promise<void> {
    const w = this.ws(id);
    if (w.status !== 'paused') throw new RangeError(`workspace ${id} is not paused`);
    w.status = 'provisioning';
  }

  /** Hibernates: status `hibernated`, URL cleared; the next A2A message answers 503 waking. */
  async hibernate(id: string): Promise<void> {
    const w = this.ws(id);
    w.status = 'hibernated';
    w.url = '';
    w.internalUrl = null;
  }

  /** Deletes a workspace and its descendants: status `removed`, every token revoked. */
  async delete(id: string): Promise<void> {
    const root = this.ws(id);
    for (const wid of [root.id, ...this.core.store.descendants(root.id)]) {
      this.core.removeWorkspace(this.core.store.workspaces.get(wid)!);
    }
  }

  /** Forces a status (e.g. `failed`, `degraded`, `offline`) for state-machine tests. */
  async setStatus(id: string, status: WorkspaceStatus): Promise<void> {
    this.ws(id).status = status;
  }

  /** Expires the Redis liveness key now, as if 180 s passed without a heartbeat (→ offline). */
  async expireLiveness(id: string): Promise<void> {
    const w = this.ws(id);
    w.livenessExpiresAt = this.core.now();
    this.core.noteExpiry(w.livenessExpiresAt);
    this.core.sweepLiveness();
  }

  /** Sets (merges) workspace secrets; a `null` value deletes the key. */
  async setSecrets(id: string, secrets: Record<string, string | null>): Promise<void> {
    const w = this.ws(id);
    const map = this.core.store.secrets.get(w.id) ?? new Map();
    for (const [k, v] of Object.entries(secrets)) {
      if (v === null) map.delete(k);
      else map.set(k, { value: v });
    }
    this.core.store.secrets.set(w.id, map);
  }

  /** Sets (merges) global secrets; workspace secrets override them. */
  async setGlobalSecrets(secrets: Record<string, string | null>): Promise<void> {
    for (const [k, v] of Object.entries(secrets)) {
      if (v === null) this.core.store.globalSecrets.delete(k);
      else this.core.store.globalSecrets.set(k, { value: v });
    }
  }

  /** Makes a secret fail to decrypt (`/secrets/values` then answers 500 with `failed_keys`). */
  async corruptSecret(scope: 'global' | string, key: string): Promise<void> {
    const map =
      scope === 'global' ? this.core.store.globalSecrets : this.core.store.secrets.get(this.ws(scope).id);
    const existing = map?.get(key);
    if (!map || !existing) throw new RangeError(`no secret ${key} in ${scope}`);
    existing.corrupt = true;
  }

  /**
   * Publishes a plugin for `local://<name>`. Keys are relative paths; a key ending in `/` is a
   * directory (empty ones are kept); values are text, bytes or `{content, mode}`.
   */
  async addPlugin(name: string, files: PluginFiles): Promise<void> {
    this.core.store.plugins.set(name, toPluginTree(files));
  }

  /** Publishes a plugin for `github://<owner/repo>#<ref>` (`ref` "" = unpinned default branch). */
  async addGithubPlugin(repo: string, ref: string, files: PluginFiles): Promise<void> {
    this.core.store.githubPlugins.set(`${repo}#${ref}`, toPluginTree(files));
  }

  /** Removes a `local://` plugin. */
  async removePlugin(name: string): Promise<void> {
    this.core.store.plugins.delete(name);
  }

  /** Sets the monthly budget (cents) and/or spend; A2A to the workspace answers 402 when spend ≥ budget. */
  async setBudget(id: string, budgetLimit: number | null, monthlySpend?: number): Promise<void> {
    const w = this.ws(id);
    w.budgetLimit = budgetLimit;
    if (monthlySpend !== undefined) w.monthlySpend = monthlySpend;
  }

  /**
   * Sends a chat message as the canvas does: `POST /workspaces/:id/a2a` without `X-Workspace-ID`
   * (no auth, no hierarchy check), parts with `kind:"text"`. Goes over the simulator's own HTTP
   * path, so it shows up in `sim.requests`.
   */
  async sendCanvasMessage(workspaceId: string, text: string): Promise<{ status: number; body: unknown }> {
    const headers = new Headers({ 'Content-Type': 'application/json' });
    if (this.core.options.orgId) headers.set('X-Molecule-Org-Id', this.core.options.orgId);
    const body = JSON.stringify({
      method: 'message/send',
      params: { message: { role: 'user', parts: [{ kind: 'text', text }] } },
    });
    const res = await this.sendRequest(
      new Request(`http://platform.sim/workspaces/${workspaceId}/a2a`, { method: 'POST', headers, body }),
    );
    const raw = await res.text();
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // keep text
    }
    return { status: res.status, body: parsed };
  }

  /** Mints a token for the workspace (like `GET /admin/workspaces/:id/test-token`). */
  async mintToken(id: string): Promise<string> {
    return this.core.mintToken(this.ws(id).id);
  }

  /**
   * Mints an org API token (returned once): WorkspaceAuth accepts it for every workspace and
   * AdminAuth accepts it; register, heartbeat, discovery and the a2a caller check do not.
   */
  async mintOrgToken(): Promise<string> {
    return mintOrgToken(this.core);
  }

  /**
   * Issues a valid control-plane session and returns the `Cookie` header value
   * (`molecule_cp_session=<value>`; the real cookie name is not in the contract). Discovery and
   * AdminAuth accept it; any other value of that cookie is an invalid session.
   */
  async issueCpSession(): Promise<string> {
    return `${CP_SESSION_COOKIE}=${issueCpSession(this.core)}`;
  }

  /** A snapshot of one workspace, or `undefined`. */
  workspace(id: string): WorkspaceSnapshot | undefined {
    const w = this.core.store.find(id);
    if (!w) return undefined;
    return {
      id: w.id,
      name: w.name,
      role: w.role,
      tier: w.tier,
      runtime: w.runtime,
      status: w.status,
      url: w.url,
      parentId: w.parentId,
      agentCard: w.agentCard,
      activeTasks: w.activeTasks,
      currentTask: w.currentTask,
      uptimeSeconds: w.uptimeSeconds,
      errorRate: w.errorRate,
      sampleError: w.sampleError,
      monthlySpend: w.monthlySpend,
      budgetLimit: w.budgetLimit,
      lastHeartbeatAt: w.lastHeartbeatAt,
      createdAt: w.createdAt,
      capabilities: { ...w.capabilities },
      live: w.livenessExpiresAt !== null && w.livenessExpiresAt > this.core.now(),
      liveTokens: this.core.store.liveTokens(w.id).length,
      queueDepth: this.core.store.queue.filter((q) => q.workspaceId === w.id).length,
    };
  }

  /** Snapshots of every workspace, in creation order. */
  workspaces(): WorkspaceSnapshot[] {
    return [...this.core.store.workspaces.keys()].map((id) => this.workspace(id)!);
  }

  /** The workspace's activity rows in the server's JSON shape, oldest first. */
  activity(id: string): Array<Record<string, unknown>> {
    const w = this.ws(id);
    return this.core.store.activity
      .filter((r: ActivityRow) => r.workspaceId === w.id)
      .map((r) => activityRowJson(r, false));
  }

  /** Messages the agent sent to the canvas with `/notify`, oldest first. */
  notifications(id: string): NotificationRecord[] {
    const w = this.ws(id);
    return this.core.store.notifications.filter((n) => n.workspaceId === w.id).map((n) => ({ ...n }));
  }

  /** A2A requests parked in the busy queue for the workspace. */
  queue(id: string): QueuedRequestView[] {
    const w = this.ws(id);
    return this.core.store.queue
      .filter((q) => q.workspaceId === w.id)
      .map((q) => ({ id: q.id, callerId: q.callerId, attempts: q.attempts, body: q.body }));
  }

  /**
   * Deletes activity rows older than `beforeMs` (default: all), as the retention job does.
   * In `activityFeed: 'cursor'` mode a `since_id` pointing at a pruned row then gets 410.
   */
  async pruneActivity(id: string, beforeMs?: number): Promise<number> {
    const w = this.ws(id);
    const limit = beforeMs === undefined ? Number.POSITIVE_INFINITY : beforeMs * 1000;
    const rows = this.core.store.activity;
    let removed = 0;
    for (let i = rows.length - 1; i >= 0; i--) {
      const r = rows[i]!;
      if (r.workspaceId === w.id && r.createdAtMicros < limit) {
        rows.splice(i, 1);
        removed++;
      }
    }
    return removed;
  }
}
