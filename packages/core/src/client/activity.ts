import { ConfigError } from '../errors.js';
import { apiPath } from '../http/url.js';
import { activityRowFastPath } from '../schemas/activity-row-fast-path.js';
import {
  type ActivityRow,
  activityListSchema,
  activityRowSchema,
  statusBodySchema,
} from '../schemas/platform.js';
import { tryParse } from '../schemas/validate.js';
import { type ClientContext, callPlatformJson, describeCall, type PlatformCall } from './context.js';

export interface FetchActivityOptions {
  /** `activity_type` filter, e.g. `a2a_receive`. Omitted = every type. */
  type?: string;
  /** Rows per call (server default 100, cap 500). Sent as a decimal integer. */
  limit?: number;
  /** Cursor: rows after this id (servers with a cursor; others ignore it). */
  sinceId?: string | null;
  /** Only rows from this peer (servers with filters). */
  peerId?: string;
  /** Only rows before this timestamp, sent verbatim. */
  beforeTs?: string;
  /** `canvas` (no source) or `agent`. */
  source?: 'canvas' | 'agent';
  signal?: AbortSignal;
}

/** A file attached to a notify message. */
export interface NotifyAttachment {
  uri: string;
  name: string;
  mimeType?: string;
  size?: number;
}

/**
 * `GET /workspaces/:id/activity`: the raw rows that validate (each needs an `id`), in server order.
 * Rows that do not validate are dropped with a debug log. Empty filter values are never sent (the
 * server would treat `""` as a literal filter). A 410 is CursorLostError, also when it follows a
 * 429 retry (Python turned that one into a plain HTTP error).
 */
export async function fetchActivity(
  ctx: ClientContext,
  options: FetchActivityOptions = {},
): Promise<ActivityRow[]> {
  const limit = options.limit === undefined ? undefined : Math.trunc(options.limit);
  if (limit !== undefined && (!Number.isFinite(limit) || limit <= 0)) {
    throw new ConfigError('fetchActivity limit must be a positive integer');
  }
  const call: PlatformCall = {
    method: 'GET',
    path: apiPath`/workspaces/${ctx.workspaceId}/activity`,
    query: {
      type: options.type,
      limit,
      since_id: options.sinceId,
      peer_id: options.peerId,
      before_ts: options.beforeTs,
      source: options.source,
    },
    timeout: 'inbound',
    signal: options.signal,
  };
  const source = describeCall(ctx, call);
  const list = await callPlatformJson(ctx, call, activityListSchema);
  const rows = Array.isArray(list) ? list : (list?.items ?? []);
  const out: ActivityRow[] = [];
  for (let index = 0; index < rows.length; index++) {
    const row: unknown = rows[index];
    const fast = activityRowFastPath(row);
    if (fast !== undefined) {
      out.push(fast);
      continue;
    }
    const parsed = tryParse(activityRowSchema, row);
    if (parsed.ok) out.push(parsed.value);
    else ctx.logger.debug('dropping a malformed activity row', { source, index, issues: parsed.issues });
  }
  return out;
}

/**
 * `POST /workspaces/:id/notify`: a message from the agent to the canvas (the user), with optional
 * attachments. Blank text is refused before any I/O.
 */
export async function notify(
  ctx: ClientContext,
  text: string,
  attachments?: NotifyAttachment[],
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  if (typeof text !== 'string' || text.trim() === '') throw new ConfigError('notify text must be non-empty');
  for (const [i, attachment] of (attachments ?? []).entries()) {
    if (!attachment?.uri || !attachment.name)
      throw new ConfigError(`attachment[${i}]: uri and name are required`);
  }
  const call: PlatformCall = {
    method: 'POST',
    path: apiPath`/workspaces/${ctx.workspaceId}/notify`,
    json: attachments && attachments.length > 0 ? { message: text, attachments } : { message: text },
    timeout: 'inbound',
    signal: options.signal,
  };
  await callPlatformJson(ctx, call, statusBodySchema);
}
