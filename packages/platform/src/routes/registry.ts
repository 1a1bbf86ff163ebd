/**
 * `POST /registry/register`, `POST /registry/heartbeat`, `POST /registry/update-card`.
 */
import { drainQueue } from '../a2a/queue.js';
import { requireWorkspaceToken } from '../auth.js';
import type { RequestContext } from '../context.js';
import { LIVENESS_TTL_MS, URL_CACHE_TTL_MS } from '../core.js';
import { bindOrNull, type LosslessJson, type StructSpec, toPlain } from '../go-bind.js';
import { errorResponse, jsonResponse, type SimResponse } from '../http.js';
import { canonicalUuid } from '../ids.js';
import { isPlaceholderUrl, validateAgentUrl } from '../url-safety.js';

const REGISTER: StructSpec = {
  id: { kind: 'string', required: true },
  url: { kind: 'string', required: true },
  agent_card: { kind: 'raw', required: true },
};

const HEARTBEAT: StructSpec = {
  workspace_id: { kind: 'string', required: true },
  error_rate: { kind: 'float' },
  sample_error: { kind: 'string' },
  active_tasks: { kind: 'int' },
  uptime_seconds: { kind: 'int' },
  current_task: { kind: 'string' },
  monthly_spend: { kind: 'int' },
  runtime_state: { kind: 'string' },
  runtime_metadata: {
    kind: 'struct',
    fields: { capabilities: { kind: 'bool-map' }, idle_timeout_seconds: { kind: 'int' } },
  },
};

const UPDATE_CARD: StructSpec = {
  workspace_id: { kind: 'string', required: true },
  agent_card: { kind: 'raw', required: true },
};

/** Register: validate the URL, check the token, upsert, mint a token while none is live. */
export async function register(ctx: RequestContext): Promise<SimResponse> {
  const p = bindOrNull(ctx.body, REGISTER);
  if (!p) return errorResponse(400, 'invalid request body');
  const id = p.id as string;
  const url = p.url as string;
  const core = ctx.core;
  const placeholder = core.options.allowPlaceholderUrl && isPlaceholderUrl(url);
  if (!placeholder && (await validateAgentUrl(url, core.urlPolicy)) !== null) {
    // The server runs the validator twice; the first call writes this generic text.
    return errorResponse(400, 'invalid request body');
  }
  const denied = await requireWorkspaceToken(ctx, id);
  if (denied) return denied;
  const canonical = canonicalUuid(id);
  if (!canonical || ctx.datastoreDown) return errorResponse(500, 'registration failed');

  const now = core.now();
  const card = toPlain(p.agent_card as LosslessJson);
  let ws = core.store.workspaces.get(canonical);
  if (!ws) {
    ws = core.createWorkspaceRow({
      id: canonical,
      name: id,
      status: 'online',
      url,
      agentCard: card,
      lastHeartbeatAt: now,
    });
  } else if (ws.status !== 'removed') {
    // Keep a provisioner-set host URL, as the upsert's CASE does.
    if (!ws.url.startsWith('http://127.0.0.1')) ws.url = url;
    ws.agentCard = card;
    ws.status = 'online'; // this also un-pauses
    ws.lastHeartbeatAt = now;
  }
  ws.livenessExpiresAt = now + LIVENESS_TTL_MS;
  ws.internalUrl = { url, expiresAt: now + URL_CACHE_TTL_MS };
  core.noteExpiry(ws.livenessExpiresAt);
  core.events.emit(canonical);

  const body: Record<string, unknown> = { status: 'registered' };
  if (!core.hasLiveToken(canonical)) body.auth_token = await core.mintToken(canonical);
  return jsonResponse(200, body);
}

/** Heartbeat: update counters, refresh liveness, evaluate status, drain one queued A2A item. */
export async function heartbeat(ctx: RequestContext): Promise<SimResponse> {
  const p = bindOrNull(ctx.body, HEARTBEAT);
  if (!p) return errorResponse(400, 'invalid request body');
  const id = p.workspace_id as string;
  const denied = await requireWorkspaceToken(ctx, id);
  if (denied) return denied;
  const canonical = canonicalUuid(id);
  if (!canonical || ctx.datastoreDown) return errorResponse(500, 'failed to update');

  const core = ctx.core;
  const ws = core.store.workspaces.get(canonical);
  if (!ws || ws.status === 'removed') return jsonResponse(200, { status: 'ok' });

  const errorRate = (p.error_rate as number | undefined) ?? 0;
  const runtimeState = (p.runtime_state as string | undefined) ?? '';
  const spend = Math.min(Math.max((p.monthly_spend as number | undefined) ?? 0, 0), 1e12);
  const now = core.now();
  ws.lastHeartbeatAt = now;
  ws.errorRate = errorRate;
  ws.sampleError = (p.sample_error as string | undefined) ?? '';
  ws.activeTasks = (p.active_tasks as number | undefined) ?? 0;
  ws.uptimeSeconds = (p.uptime_seconds as number | undefined) ?? 0;
  ws.currentTask = (p.current_task as string | undefined) ?? '';
  if (spend > 0) ws.monthlySpend = spend;
  // EXPIRE only refreshes an existing key; only register re-creates it.
  if (ws.livenessExpiresAt !== null) ws.livenessExpiresAt = now + LIVENESS_TTL_MS;

  const meta = p.runtime_metadata as {
    capabilities?: Record<string, boolean>;
    idle_timeout_seconds?: number;
  };
  if (meta?.capabilities) ws.capabilities = meta.capabilities;
  if (meta?.idle_timeout_seconds !== undefined && meta.idle_timeout_seconds > 0) {
    ws.idleTimeoutMs = meta.idle_timeout_seconds * 1000;
  }

  const current = ws.status;
  const statusMgmt = ws.capabilities.status_mgmt === true;
  if (runtimeState === 'wedged' && current === 'online') ws.status = 'degraded';
  if (!statusMgmt) {
    if (current === 'online' && errorRate >= 0.5) ws.status = 'degraded';
    if (current === 'degraded' && errorRate < 0.1 && runtimeState === '') ws.status = 'online';
  }
  if (current === 'offline' || current === 'provisioning') ws.status = 'online';

  core.events.emit(canonical);
  if (ws.activeTasks < ws.maxConcurrentTasks) drainQueue(core, canonical, ctx.waitUntil);
  return jsonResponse(200, { status: 'ok' });
}

/** Update-card: same grandfathered token check; stores the card as-is. */
export async function updateCard(ctx: RequestContext): Promise<SimResponse> {
  const p = bindOrNull(ctx.body, UPDATE_CARD);
  if (!p) return errorResponse(400, 'invalid request body');
  const id = p.workspace_id as string;
  const denied = await requireWorkspaceToken(ctx, id);
  if (denied) return denied;
  const canonical = canonicalUuid(id);
  if (!canonical || ctx.datastoreDown) return errorResponse(500, 'failed to update card');
  const ws = ctx.core.store.workspaces.get(canonical);
  if (ws && ws.status !== 'removed') {
    ws.agentCard = toPlain(p.agent_card as LosslessJson);
    ctx.core.events.emit(canonical);
  }
  return jsonResponse(200, { status: 'updated' });
}
