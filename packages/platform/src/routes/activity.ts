/**
 * `GET /workspaces/:id/activity` and `POST /workspaces/:id/notify`.
 */
import type { RequestContext } from '../context.js';
import { bindOrNull, type StructSpec } from '../go-bind.js';
import { jsonbText, RawJson } from '../go-json.js';
import { errorResponse, jsonResponse, type SimResponse } from '../http.js';
import { canonicalUuid } from '../ids.js';
import type { ActivityRow } from '../store.js';

/** RFC 3339 with fractional seconds trimmed, as Go marshals a `time.Time` in UTC. */
export function formatGoTime(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString().slice(0, 19);
  const frac = String(micros % 1_000_000)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `${iso}${frac ? `.${frac}` : ''}Z`;
}

/** Parses RFC 3339 into epoch microseconds; `null` when invalid. */
export function parseTimeMicros(text: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.exec(text);
  if (!m) return null;
  const base = Date.parse(`${m[1]}${m[3]!.toUpperCase()}`);
  if (Number.isNaN(base)) return null;
  const frac = m[2] ? Number(`0${m[2]}`) : 0;
  return base * 1000 + Math.floor(frac * 1_000_000);
}

/**
 * One row as the server writes it (a Go map: keys sorted; `request_body`, `response_body` and
 * `tool_trace` only when non-null). With `raw`, bodies are pre-encoded in jsonb key order.
 */
export function activityRowJson(r: ActivityRow, raw = true): Record<string, unknown> {
  const body = (v: unknown): unknown => (raw ? new RawJson(jsonbText(v)) : JSON.parse(jsonbText(v)));
  const row: Record<string, unknown> = {
    id: r.id,
    workspace_id: r.workspaceId,
    activity_type: r.activityType,
    source_id: r.sourceId,
    target_id: r.targetId,
    method: r.method,
    summary: r.summary,
    duration_ms: r.durationMs,
    status: r.status,
    error_detail: r.errorDetail,
    created_at: formatGoTime(r.createdAtMicros),
  };
  if (r.requestBody !== undefined) row.request_body = body(r.requestBody);
  if (r.responseBody !== undefined) row.response_body = body(r.responseBody);
  if (r.toolTrace !== undefined) row.tool_trace = body(r.toolTrace);
  return row;
}

/** `strconv.Atoi` semantics for `limit`: default 100, ≤0 or junk → 100, cap 500. */
function parseLimit(text: string | null): number {
  if (text === null || !/^[+-]?[0-9]+$/.test(text)) return 100;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) return 100;
  return Math.min(n, 500);
}

/** The activity feed, in the configured mode. */
export function listActivity(ctx: RequestContext): SimResponse {
  const id = ctx.params.id!;
  const type = ctx.query.get('type') ?? '';
  const source = ctx.query.get('source') ?? '';
  const limit = parseLimit(ctx.query.get('limit'));
  if (source !== '' && source !== 'canvas' && source !== 'agent') {
    return errorResponse(400, "source must be 'canvas' or 'agent'");
  }
  const canonical = canonicalUuid(id);
  if (!canonical || ctx.datastoreDown) return errorResponse(500, 'query failed');
  let rows = ctx.core.store.activity.filter(
    (r) =>
      r.workspaceId === canonical &&
      (type === '' || r.activityType === type) &&
      (source === '' || (source === 'canvas' ? r.sourceId === null : r.sourceId !== null)),
  );
  if (ctx.core.options.activityFeed === 'server') {
    rows = rows.slice().reverse().slice(0, limit);
    return jsonResponse(
      200,
      rows.map((r) => activityRowJson(r)),
    );
  }

  // 'cursor' mode: the newer contract (since_id exclusive, peer_id, before_ts, oldest first, 410).
  const sinceId = ctx.query.get('since_id') ?? '';
  const peerId = ctx.query.get('peer_id') ?? '';
  const beforeTs = ctx.query.get('before_ts') ?? '';
  if (sinceId) {
    const cursor = ctx.core.store.activity.find((r) => r.id === sinceId && r.workspaceId === canonical);
    if (!cursor)
      return errorResponse(410, 'since_id cursor is no longer available; restart from the beginning');
    rows = rows.filter((r) => r.createdAtMicros > cursor.createdAtMicros);
  }
  if (peerId) rows = rows.filter((r) => r.sourceId === peerId || r.targetId === peerId);
  if (beforeTs) {
    const before = parseTimeMicros(beforeTs);
    if (before === null) return errorResponse(400, 'before_ts must be an RFC 3339 timestamp');
    rows = rows.filter((r) => r.createdAtMicros < before);
  }
  return jsonResponse(
    200,
    rows.slice(0, limit).map((r) => activityRowJson(r)),
  );
}

const NOTIFY: StructSpec = {
  message: { kind: 'string', required: true },
  attachments: {
    kind: 'struct-array',
    fields: {
      uri: { kind: 'string' },
      name: { kind: 'string' },
      mimeType: { kind: 'string' },
      size: { kind: 'int' },
    },
  },
};

/** Notify: the agent's message to the canvas; persisted as an `a2a_receive`/`notify` row. */
export function notify(ctx: RequestContext): SimResponse {
  const body = bindOrNull(ctx.body, NOTIFY);
  if (!body) return errorResponse(400, 'message is required');
  const attachments = (body.attachments as Array<Record<string, unknown>> | undefined) ?? [];
  for (let i = 0; i < attachments.length; i++) {
    if (!attachments[i]!.uri || !attachments[i]!.name) {
      return errorResponse(400, `attachment[${i}]: uri and name are required`);
    }
  }
  const ws = ctx.datastoreDown ? undefined : ctx.core.store.find(ctx.params.id!);
  if (!ws || ws.status === 'removed') return errorResponse(404, 'workspace not found');
  const message = body.message as string;
  const files = attachments.map((a) => ({
    uri: a.uri as string,
    name: a.name as string,
    ...(a.mimeType ? { mimeType: a.mimeType as string } : {}),
    ...(a.size ? { size: a.size as number } : {}),
  }));
  ctx.core.store.notifications.push({ workspaceId: ws.id, message, attachments: files, at: ctx.core.now() });
  const response: Record<string, unknown> = { result: message };
  if (files.length > 0) response.parts = files.map((file) => ({ kind: 'file', file }));
  ctx.core.writeActivity({
    workspaceId: ws.id,
    activityType: 'a2a_receive',
    sourceId: null,
    targetId: null,
    method: 'notify',
    summary: message.length > 200 ? `${message.slice(0, 200)}...` : message,
    responseBody: response,
    durationMs: null,
    status: 'ok',
    errorDetail: null,
  });
  return jsonResponse(200, { status: 'sent' });
}
