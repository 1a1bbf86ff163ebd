/**
 * `GET /registry/:id/peers` and `GET /registry/discover/:id`.
 */
import { validateDiscoveryCaller } from '../auth.js';
import type { RequestContext } from '../context.js';
import { canCommunicate, listPeers } from '../hierarchy.js';
import { errorResponse, jsonResponse, type SimResponse } from '../http.js';
import { canonicalUuid } from '../ids.js';
import type { WorkspaceRow } from '../store.js';
import { checkSafeUrl } from '../url-safety.js';

function peerJson(w: WorkspaceRow): Record<string, unknown> {
  return {
    id: w.id,
    name: w.name,
    role: w.role,
    tier: w.tier,
    status: w.status,
    url: w.url,
    parent_id: w.parentId,
    active_tasks: w.activeTasks,
    agent_card: w.agentCard ?? null,
  };
}

/** Peers of the workspace in the path (the caller is identified by the path). */
export async function peers(ctx: RequestContext): Promise<SimResponse> {
  const id = ctx.params.id!;
  const denied = await validateDiscoveryCaller(ctx, id);
  if (denied) return denied;
  if (!canonicalUuid(id) || ctx.datastoreDown) return errorResponse(500, 'lookup failed');
  const self = ctx.core.store.find(id); // no status filter: a removed caller still gets its list
  if (!self) return errorResponse(404, 'workspace not found');
  const q = (ctx.query.get('q') ?? '').toLowerCase();
  const list = listPeers(ctx.core.store, self).filter(
    (w) => !q || w.name.toLowerCase().includes(q) || (w.role ?? '').toLowerCase().includes(q),
  );
  return jsonResponse(200, list.map(peerJson));
}

/** Resolves one peer's URL for the caller in `X-Workspace-ID`. */
export async function discover(ctx: RequestContext): Promise<SimResponse> {
  const targetId = ctx.params.id!;
  const callerId = ctx.headers.get('X-Workspace-ID') ?? '';
  if (!callerId) return errorResponse(400, 'X-Workspace-ID header is required');
  const denied = await validateDiscoveryCaller(ctx, callerId);
  if (denied) return denied;
  const store = ctx.core.store;
  if (ctx.datastoreDown || !canCommunicate(store, callerId, targetId)) {
    return errorResponse(403, 'not authorized to discover this workspace');
  }
  const target = store.find(targetId);
  const caller = store.find(callerId);
  if (!target) return errorResponse(404, 'workspace not found');
  const reply = (url: string): SimResponse => jsonResponse(200, { id: targetId, url, name: target.name });

  if (target.runtime === 'external' && target.url !== '') {
    let url = target.url;
    if (caller?.runtime !== 'external') {
      // Rewritten for callers inside Docker: the first occurrence of each, as the server does.
      url = url.replace('127.0.0.1', 'host.docker.internal').replace('localhost', 'host.docker.internal');
    }
    if ((await checkSafeUrl(url, ctx.core.urlPolicy)) !== null) {
      return errorResponse(503, 'workspace URL failed safety check');
    }
    return reply(url);
  }
  if (target.internalUrl) return reply(target.internalUrl.url);
  if (target.status === 'online' || target.status === 'degraded') {
    return reply(`http://ws-${target.id.slice(0, 12)}:8000`);
  }
  return errorResponse(503, 'workspace not available', { status: target.status });
}
