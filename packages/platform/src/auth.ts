/**
 * The server's auth gates, one function each (see the contract's "Auth and tenancy" table).
 * Each returns the rejection to send, or `null` to let the request through.
 */
import type { RequestContext } from './context.js';
import { errorResponse, type SimResponse } from './http.js';
import { canonicalUuid } from './ids.js';
import { cpSessionState, isOrgToken } from './org-credentials.js';
import { isSameOriginCanvas } from './same-origin-canvas.js';
import { bearerFromHeader, constantTimeEqual, sha256Hex } from './tokens.js';

function bearer(ctx: RequestContext): string {
  return bearerFromHeader(ctx.headers.get('Authorization'));
}

function isAdminToken(ctx: RequestContext, tok: string): boolean {
  const admin = ctx.core.options.adminToken;
  return admin !== '' && constantTimeEqual(tok, admin);
}

function sameOriginCanvas(ctx: RequestContext): boolean {
  return isSameOriginCanvas(ctx.core.options.canvasProxyUrl, ctx.url.host, ctx.headers);
}

/**
 * `WorkspaceAuth` (strict) on `/workspaces/:id/*`: a bearer bound to `:id`, `ADMIN_TOKEN`, or any
 * org API token (for any workspace). Without a bearer only the same-origin canvas (with
 * `canvasProxyUrl`) and the dev fail-open pass. No grandfathering.
 */
export async function workspaceAuth(ctx: RequestContext): Promise<SimResponse | null> {
  const tok = bearer(ctx);
  if (tok) {
    if (isAdminToken(ctx, tok)) return null;
    if (ctx.datastoreDown) {
      // The org-token lookup runs before the workspace-token check and fails closed.
      return errorResponse(503, 'platform datastore unavailable — retry shortly', {
        code: 'platform_unavailable',
      });
    }
    if (await isOrgToken(ctx.core, tok)) return null;
    if (!(await ctx.core.validateToken(ctx.params.id ?? '', tok))) {
      return errorResponse(401, 'invalid workspace auth token');
    }
    return null;
  }
  if (sameOriginCanvas(ctx) || ctx.core.devFailOpen) return null;
  return errorResponse(401, 'missing workspace auth token');
}

/**
 * A grandfathered check (`requireWorkspaceToken`, `validateCallerToken`): passes when the
 * workspace has no live token or the lookup fails; otherwise demands a bearer bound to `id`.
 */
async function grandfathered(
  ctx: RequestContext,
  id: string,
  missing: string,
  invalid: string,
): Promise<SimResponse | null> {
  const canonical = canonicalUuid(id);
  if (!canonical || ctx.datastoreDown) return null; // DB error → fail open
  if (!ctx.core.hasLiveToken(canonical)) return null;
  const tok = bearer(ctx);
  if (!tok) return errorResponse(401, missing);
  if (!(await ctx.core.validateToken(canonical, tok))) return errorResponse(401, invalid);
  return null;
}

/** register / heartbeat / update-card. `ADMIN_TOKEN` is not accepted here. */
export function requireWorkspaceToken(ctx: RequestContext, id: string): Promise<SimResponse | null> {
  return grandfathered(ctx, id, 'missing workspace auth token', 'invalid workspace auth token');
}

/** The a2a caller check (caller = `X-Workspace-ID`). */
export function validateCallerToken(ctx: RequestContext, callerId: string): Promise<SimResponse | null> {
  return grandfathered(ctx, callerId, 'missing caller auth token', 'invalid caller auth token');
}

/**
 * Discovery (peers: caller = path; discover: caller = `X-Workspace-ID`). The dev fail-open
 * (dev mode with no `ADMIN_TOKEN`) passes; then a CP session cookie decides (valid → pass,
 * invalid → 401 `invalid session`); otherwise the grandfathered bearer check. Org tokens and
 * `ADMIN_TOKEN` are not accepted.
 */
export function validateDiscoveryCaller(ctx: RequestContext, callerId: string): Promise<SimResponse | null> {
  if (ctx.core.devFailOpen) return Promise.resolve(null);
  const session = cpSessionState(ctx.core, ctx.headers);
  if (session === 'valid') return Promise.resolve(null);
  if (session === 'invalid') return Promise.resolve(errorResponse(401, 'invalid session'));
  return grandfathered(ctx, callerId, 'missing workspace auth token', 'invalid workspace auth token');
}

/**
 * `AdminAuth` (`POST /workspaces`, admin routes): open while no live workspace token exists
 * anywhere and `ADMIN_TOKEN` is unset (and in the dev fail-open); otherwise a valid CP session
 * cookie, `ADMIN_TOKEN`, an org API token, or, when `ADMIN_TOKEN` is unset, any valid workspace token.
 */
export async function adminAuth(ctx: RequestContext): Promise<SimResponse | null> {
  if (ctx.datastoreDown) return errorResponse(500, 'auth check failed');
  const admin = ctx.core.options.adminToken;
  const anyLive = ctx.core.store.tokens.some(
    (t) => t.revokedAt === null && ctx.core.store.workspaces.get(t.workspaceId)?.status !== 'removed',
  );
  if (!anyLive && admin === '') return null;
  if (ctx.core.devFailOpen && !bearer(ctx)) return null;
  if (cpSessionState(ctx.core, ctx.headers) === 'valid') return null;
  const tok = bearer(ctx);
  if (!tok) return errorResponse(401, 'admin auth required');
  if (admin !== '' && constantTimeEqual(tok, admin)) return null;
  if (await isOrgToken(ctx.core, tok)) return null;
  if (admin !== '') return errorResponse(401, 'invalid admin auth token');
  const hash = await sha256Hex(tok);
  const row = ctx.core.store.liveTokenByHash(hash);
  const ws = row ? ctx.core.store.workspaces.get(row.workspaceId) : undefined;
  return ws && ws.status !== 'removed' ? null : errorResponse(401, 'invalid admin auth token');
}
