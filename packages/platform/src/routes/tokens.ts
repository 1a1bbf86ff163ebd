/**
 * Token management: `POST/GET /workspaces/:id/tokens`, `DELETE /workspaces/:id/tokens/:tokenId`
 * (behind WorkspaceAuth), and `GET /admin/workspaces/:id/test-token`.
 */
import type { RequestContext } from '../context.js';
import { errorResponse, jsonResponse, type SimResponse } from '../http.js';
import { canonicalUuid } from '../ids.js';
import { bearerFromHeader, constantTimeEqual } from '../tokens.js';
import { formatGoTime } from './activity.js';

/** At most 50 live tokens per workspace. */
export const MAX_TOKENS_PER_WORKSPACE = 50;

/** Mints an extra token (201), refusing past 50 live ones (429). */
export async function createToken(ctx: RequestContext): Promise<SimResponse> {
  const id = ctx.params.id!;
  const canonical = canonicalUuid(id);
  const live = canonical ? ctx.core.store.liveTokens(canonical).length : 0;
  if (live >= MAX_TOKENS_PER_WORKSPACE) {
    return errorResponse(429, `maximum ${MAX_TOKENS_PER_WORKSPACE} active tokens per workspace`);
  }
  if (!canonical || ctx.datastoreDown || !ctx.core.store.workspaces.has(canonical)) {
    return errorResponse(500, 'failed to create token');
  }
  const token = await ctx.core.mintToken(canonical);
  return jsonResponse(201, {
    auth_token: token,
    workspace_id: id,
    message: 'Save this token now — it cannot be retrieved again.',
  });
}

/** Lists live tokens, newest first (prefix and metadata only). `limit` ≤ 200, `offset`. */
export function listTokens(ctx: RequestContext): SimResponse {
  const canonical = canonicalUuid(ctx.params.id!);
  if (!canonical || ctx.datastoreDown) return errorResponse(500, 'failed to list tokens');
  const limitText = ctx.query.get('limit');
  const offsetText = ctx.query.get('offset');
  let limit = 50;
  if (limitText && /^[+-]?[0-9]+$/.test(limitText) && Number(limitText) > 0 && Number(limitText) <= 200) {
    limit = Number(limitText);
  }
  let offset = 0;
  if (offsetText && /^[+-]?[0-9]+$/.test(offsetText) && Number(offsetText) >= 0) offset = Number(offsetText);
  const tokens = ctx.core.store
    .liveTokens(canonical)
    .slice()
    .reverse()
    .slice(offset, offset + limit)
    .map((t) => ({
      id: t.id,
      prefix: t.prefix,
      created_at: formatGoTime(t.createdAt * 1000),
      last_used_at: t.lastUsedAt === null ? null : formatGoTime(t.lastUsedAt * 1000),
    }));
  return jsonResponse(200, { tokens, count: tokens.length });
}

/** Revokes one token by its row id. */
export function revokeToken(ctx: RequestContext): SimResponse {
  const canonical = canonicalUuid(ctx.params.id!);
  const tokenId = canonicalUuid(ctx.params.tokenId!);
  if (!canonical || !tokenId || ctx.datastoreDown) return errorResponse(500, 'failed to revoke token');
  const row = ctx.core.store.tokens.find(
    (t) => t.id === tokenId && t.workspaceId === canonical && t.revokedAt === null,
  );
  if (!row) return errorResponse(404, 'token not found or already revoked');
  row.revokedAt = ctx.core.now();
  return jsonResponse(200, { status: 'revoked' });
}

/**
 * `GET /admin/workspaces/:id/test-token`: off in production (404 `not found`) unless test tokens
 * are enabled; needs `ADMIN_TOKEN` as bearer when one is set.
 */
export async function testToken(ctx: RequestContext): Promise<SimResponse> {
  const { production, enableTestTokens } = ctx.core.options;
  if (production && !enableTestTokens) return errorResponse(404, 'not found');
  const admin = ctx.core.options.adminToken;
  if (admin !== '') {
    const tok = bearerFromHeader(ctx.headers.get('Authorization'));
    if (!tok || !constantTimeEqual(tok, admin)) return errorResponse(401, 'admin auth required');
  }
  const id = ctx.params.id!;
  const canonical = canonicalUuid(id);
  if (!canonical || ctx.datastoreDown) return errorResponse(500, 'lookup failed');
  if (!ctx.core.store.workspaces.has(canonical)) return errorResponse(404, 'workspace not found');
  const token = await ctx.core.mintToken(canonical);
  return jsonResponse(200, { auth_token: token, workspace_id: id });
}
