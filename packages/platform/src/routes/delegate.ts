/**
 * `POST /workspaces/:id/delegate` — `:id` is the delegating (source) workspace.
 */
import { executeDelegation } from '../a2a/delegation.js';
import type { RequestContext } from '../context.js';
import { bindOrNull, type StructSpec } from '../go-bind.js';
import { errorResponse, jsonResponse, type SimResponse } from '../http.js';
import { canonicalUuid, goUuidParses } from '../ids.js';

const DELEGATE: StructSpec = {
  target_id: { kind: 'string', required: true },
  task: { kind: 'string', required: true },
  idempotency_key: { kind: 'string' },
};

/** Accepts a delegation (202) and runs it in the background through the A2A proxy. */
export function delegate(ctx: RequestContext): SimResponse {
  const body = bindOrNull(ctx.body, DELEGATE);
  if (!body) return errorResponse(400, 'invalid delegation request');
  const sourceParam = ctx.params.id!;
  const targetId = body.target_id as string;
  const task = body.task as string;
  const key = (body.idempotency_key as string | undefined) ?? '';
  if (!goUuidParses(targetId)) return errorResponse(400, 'target_id must be a valid UUID');
  if (sourceParam === targetId) return errorResponse(400, 'self-delegation not permitted');

  const core = ctx.core;
  const sourceId = canonicalUuid(sourceParam);
  const storable = sourceId !== null && !ctx.datastoreDown;
  if (storable && key) {
    const existing = core.store.activity.find(
      (r) => r.workspaceId === sourceId && r.idempotencyKey === key && r.method === 'delegate',
    );
    if (existing) {
      if (existing.status === 'failed') {
        core.store.activity.splice(core.store.activity.indexOf(existing), 1);
      } else {
        return jsonResponse(200, {
          delegation_id: (existing.requestBody as { delegation_id: string }).delegation_id,
          status: existing.status,
          target_id: existing.targetId,
          idempotent_hit: true,
        });
      }
    }
  }

  const delegationId = core.newId();
  if (storable) {
    core.writeActivity({
      workspaceId: sourceId,
      activityType: 'delegation',
      sourceId,
      targetId: canonicalUuid(targetId),
      method: 'delegate',
      summary: `Delegating to ${targetId}`,
      requestBody: { task, delegation_id: delegationId },
      durationMs: null,
      status: 'pending',
      errorDetail: null,
      ...(key ? { idempotencyKey: key } : {}),
    });
  }
  core.background.run(
    () => executeDelegation(core, sourceId ?? sourceParam, targetId, delegationId, task, storable),
    ctx.waitUntil,
  );
  const res: Record<string, unknown> = {
    delegation_id: delegationId,
    status: 'delegated',
    target_id: targetId,
  };
  if (!storable) res.warning = 'delegation dispatched but status tracking unavailable';
  return jsonResponse(202, res);
}
