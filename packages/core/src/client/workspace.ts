import { apiPath } from '../http/url.js';
import { deletedStateBodySchema, secretsBodySchema, stateBodySchema } from '../schemas/platform.js';
import { parseOrUndefined } from '../schemas/validate.js';
import {
  type ClientContext,
  callPlatform,
  callPlatformJson,
  type PlatformCall,
  readJson,
} from './context.js';
import type { CallOptions } from './registry.js';

/** The workspace as the platform sees it. */
export interface WorkspaceState {
  workspaceId: string;
  /** The platform's status (`online`, `paused`, `removed`, ...), `"unknown"` when absent. */
  status: string;
  paused: boolean;
  deleted: boolean;
  /** `paused || deleted`. */
  shouldStop: boolean;
}

/**
 * `GET /workspaces/:id/state`. A 404 whose JSON body says `deleted: true` is the deleted state.
 * Any other 404 (an empty TenantGuard/WAF misroute, a text 404) is a NotFoundError, not a deletion
 * (Python read every 404 as "removed" and stopped). A 401 is an AuthenticationError; deciding that
 * a persistent 401 means "revoked" is the loop's job.
 */
export async function pollState(ctx: ClientContext, options: CallOptions = {}): Promise<WorkspaceState> {
  const call: PlatformCall = {
    method: 'GET',
    path: apiPath`/workspaces/${ctx.workspaceId}/state`,
    signal: options.signal,
  };
  const response = await callPlatform(ctx, call);
  if (response.status === 404 && response.bodyKind === 'json') {
    const gone = parseOrUndefined(deletedStateBodySchema, response.body);
    if (gone) {
      return {
        workspaceId: ctx.workspaceId,
        status: gone.status ?? 'removed',
        paused: false,
        deleted: true,
        shouldStop: true,
      };
    }
  }
  const body = readJson(ctx, call, response, stateBodySchema);
  const paused = body.paused === true;
  const deleted = body.deleted === true;
  return {
    workspaceId: ctx.workspaceId,
    status: body.status ?? 'unknown',
    paused,
    deleted,
    shouldStop: paused || deleted,
  };
}

/** `GET /workspaces/:id/secrets/values`: the flat secrets object (`{}` for a null body). */
export async function pullSecrets(
  ctx: ClientContext,
  options: CallOptions = {},
): Promise<Record<string, string>> {
  const call: PlatformCall = {
    method: 'GET',
    path: apiPath`/workspaces/${ctx.workspaceId}/secrets/values`,
    signal: options.signal,
  };
  return (await callPlatformJson(ctx, call, secretsBodySchema)) ?? {};
}
