import { ConfigError } from '../errors.js';
import { HEADER } from '../http/headers.js';
import { apiPath, encodeSegment } from '../http/url.js';
import { delegateBodySchema } from '../schemas/platform.js';
import { makeIdempotencyKey } from '../util/idempotency-key.js';
import { type ClientContext, callPlatformJson, type PlatformCall } from './context.js';

export interface DelegateOptions {
  /** Default: Python's key, sha256 of `"<task>:<unix seconds floored to 60>"`. */
  idempotencyKey?: string;
  /** Per-attempt time limit; default the `delegate` timeout (300 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface DelegateResult {
  delegationId: string;
  /** `delegated` for a new delegation, else the existing one's status. */
  status: string;
  targetId: string;
  /** True when the key matched an existing delegation and nothing new was started. */
  idempotentHit: boolean;
  idempotencyKey: string;
  warning: string | undefined;
}

/**
 * Delegates a task to another workspace: `POST /workspaces/<self>/delegate` with `target_id`,
 * `task` and `idempotency_key` (the route the server really has; Python posted to the target's
 * path and got 401). The platform answers at once (202) and runs the delegation in the
 * background; progress arrives as `delegation` activity rows. Because the key makes it safe, the
 * `wide` retry preset may repeat this POST.
 */
export async function delegate(
  ctx: ClientContext,
  task: string,
  targetId: string,
  options: DelegateOptions = {},
): Promise<DelegateResult> {
  if (typeof task !== 'string' || task.trim() === '')
    throw new ConfigError('delegate needs a non-empty task');
  encodeSegment(targetId, 'targetId');
  const idempotencyKey = options.idempotencyKey || (await makeIdempotencyKey(task, ctx.clock.now()));
  const call: PlatformCall = {
    method: 'POST',
    path: apiPath`/workspaces/${ctx.workspaceId}/delegate`,
    json: { target_id: targetId, task, idempotency_key: idempotencyKey },
    timeout: options.timeoutMs ?? 'delegate',
    headers: { [HEADER.workspaceId]: ctx.workspaceId },
    idempotent: true,
    signal: options.signal,
  };
  const body = await callPlatformJson(ctx, call, delegateBodySchema);
  return {
    delegationId: body.delegation_id,
    status: body.status,
    targetId: body.target_id ?? targetId,
    idempotentHit: body.idempotent_hit === true,
    idempotencyKey,
    warning: body.warning,
  };
}
