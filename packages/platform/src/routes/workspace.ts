/**
 * `GET /workspaces/:id/state` and `GET /workspaces/:id/secrets/values` (behind WorkspaceAuth).
 */
import type { RequestContext } from '../context.js';
import { errorResponse, jsonResponse, type SimResponse } from '../http.js';
import { canonicalUuid, LOWER_UUID } from '../ids.js';

/** State: 200 for live rows; 404 bodies only reachable with admin/dev credentials. */
export function state(ctx: RequestContext): SimResponse {
  const id = ctx.params.id!;
  if (!canonicalUuid(id) || ctx.datastoreDown) return errorResponse(500, 'auth check failed');
  const ws = ctx.core.store.find(id);
  if (!ws) return jsonResponse(404, { workspace_id: id, deleted: true });
  if (ws.status === 'removed')
    return jsonResponse(404, { workspace_id: ws.id, status: 'removed', deleted: true });
  return jsonResponse(200, {
    workspace_id: ws.id,
    status: ws.status,
    paused: ws.status === 'paused',
    deleted: false,
  });
}

/** Secrets: global secrets overlaid by the workspace's own, as a flat object. */
export function secretValues(ctx: RequestContext): SimResponse {
  const id = ctx.params.id!;
  if (!LOWER_UUID.test(id)) return errorResponse(400, 'invalid workspace ID');
  if (ctx.datastoreDown) return errorResponse(500, 'auth check failed');
  const store = ctx.core.store;
  const out: Record<string, string> = {};
  const failed: string[] = [];
  for (const [k, v] of store.globalSecrets) {
    if (v.corrupt) failed.push(`global:${k}`);
    else out[k] = v.value;
  }
  for (const [k, v] of store.secrets.get(id) ?? []) {
    if (v.corrupt) failed.push(`workspace:${k}`);
    else out[k] = v.value;
  }
  if (failed.length > 0) {
    return errorResponse(500, 'one or more secrets failed to decrypt; refusing to return partial bundle', {
      failed_keys: failed,
    });
  }
  return jsonResponse(200, out);
}
