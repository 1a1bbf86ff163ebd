/**
 * `POST /workspaces/:id/a2a` — outside WorkspaceAuth. No `X-Workspace-ID` means a canvas call:
 * no auth, no hierarchy check.
 */
import { isSystemCaller, proxyA2ARequest } from '../a2a/proxy.js';
import { validateCallerToken } from '../auth.js';
import type { RequestContext } from '../context.js';
import { dataResponse, errorResponse, jsonResponse, type SimResponse } from '../http.js';

/** Bodies are read through a 1 MiB `io.LimitReader`: longer ones are silently cut. */
export const MAX_PROXY_REQUEST: number = 1 << 20;

/** The proxy endpoint. */
export async function a2aProxy(ctx: RequestContext): Promise<SimResponse> {
  const targetId = ctx.params.id!;
  if (ctx.bodyReadFailed) return errorResponse(400, 'failed to read request body');
  const body = new TextDecoder().decode(ctx.body.subarray(0, MAX_PROXY_REQUEST));
  const callerId = ctx.headers.get('X-Workspace-ID') ?? '';
  if (isSystemCaller(callerId)) return errorResponse(403, 'invalid caller ID');
  if (callerId && callerId !== targetId) {
    const denied = await validateCallerToken(ctx, callerId);
    if (denied) return denied;
  }
  const outcome = await proxyA2ARequest(ctx.core, targetId, body, callerId, {
    logActivity: true,
    datastoreDown: ctx.datastoreDown,
    enqueueFails: ctx.enqueueFails,
  });
  if (outcome.kind === 'ok') return dataResponse(outcome.status, 'application/json', outcome.body);
  const res = jsonResponse(outcome.status, outcome.body);
  if (outcome.kind === 'error' && outcome.headers) {
    for (const [k, v] of Object.entries(outcome.headers)) res.headers.set(k, v);
  }
  return res;
}
