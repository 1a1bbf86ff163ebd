/**
 * Shapes of the platform's answers, as its server sends them. Objects are loose: unknown fields are
 * kept and never a reason to fail; known fields must have the documented types.
 */
import * as v from 'valibot';
import { anyJsonObject, jsonObject } from './json-object.js';
import type { Schema } from './validate.js';

const nullishString = v.nullish(v.string());
const nonEmpty = v.pipe(
  v.string(),
  v.check((text) => text !== '', 'should not be empty'),
);
/**
 * A string, or a number read as its decimal string: servers backed by integer columns send ids and
 * epoch timestamps as JSON numbers, and the Python SDK kept those rows (`str(row["id"])`).
 */
const numberAsString = v.pipe(
  v.number(),
  v.check((n: number) => Number.isFinite(n), 'Invalid type: Expected a string or a finite number'),
  v.transform((n: number) => String(n)),
);
const idString = v.union([nonEmpty, numberAsString], 'Invalid type: Expected a non-empty string or a number');
const nullishIdString = v.nullish(
  v.union([v.string(), numberAsString], 'Invalid type: Expected a string, a number or null'),
);

export interface RegisterBody {
  status?: string | undefined;
  auth_token?: string | null | undefined;
  [key: string]: unknown;
}
/** `POST /registry/register`: `{status, auth_token?}`. */
export const registerBodySchema: Schema<RegisterBody> = v.optional(
  jsonObject({ status: v.optional(v.string()), auth_token: nullishString }),
  {},
);

export interface StateBody {
  workspace_id?: string | undefined;
  status?: string | null | undefined;
  paused?: boolean | null | undefined;
  deleted?: boolean | null | undefined;
  [key: string]: unknown;
}
/** `GET /workspaces/:id/state` 200. */
export const stateBodySchema: Schema<StateBody> = jsonObject({
  workspace_id: v.optional(v.string()),
  status: nullishString,
  paused: v.nullish(v.boolean()),
  deleted: v.nullish(v.boolean()),
});

export interface DeletedStateBody {
  deleted: true;
  status?: string | undefined;
  workspace_id?: string | undefined;
  [key: string]: unknown;
}
/** `GET /workspaces/:id/state` 404 from the handler itself (as opposed to an empty misroute 404). */
export const deletedStateBodySchema: Schema<DeletedStateBody> = jsonObject({
  deleted: v.literal(true),
  status: v.optional(v.string()),
  workspace_id: v.optional(v.string()),
});

/** `GET /workspaces/:id/secrets/values`: a flat object of strings (`null` read as empty). */
export const secretsBodySchema = v.nullish(
  v.pipe(
    anyJsonObject,
    v.check(
      (secrets) => Object.values(secrets).every((value) => typeof value === 'string'),
      'should map every secret name to a string',
    ),
  ),
) as Schema<Record<string, string> | null | undefined>;

export interface PeerRow {
  id: string;
  name?: string | null | undefined;
  url?: string | null | undefined;
  role?: string | null | undefined;
  tier?: number | null | undefined;
  status?: string | null | undefined;
  agent_card?: Record<string, unknown> | null | undefined;
  parent_id?: string | null | undefined;
  active_tasks?: number | null | undefined;
  [key: string]: unknown;
}
/** One row of `GET /registry/:id/peers`. */
export const peerRowSchema: Schema<PeerRow> = jsonObject({
  id: nonEmpty,
  name: nullishString,
  url: nullishString,
  role: nullishString,
  tier: v.nullish(v.number()),
  status: nullishString,
  agent_card: v.nullish(anyJsonObject),
  parent_id: nullishString,
  active_tasks: v.nullish(v.number()),
});

export interface DiscoverBody {
  id?: string | undefined;
  url?: string | null | undefined;
  name?: string | null | undefined;
  [key: string]: unknown;
}
/** `GET /registry/discover/:id`: `{id, url, name}`. */
export const discoverBodySchema: Schema<DiscoverBody> = jsonObject({
  id: v.optional(v.string()),
  url: nullishString,
  name: nullishString,
});

/**
 * One activity row. The server of the contract sends `{id, activity_type, source_id, method,
 * request_body, response_body, created_at, ...}`; newer servers (and the Python SDK's README) add
 * `type`, `ts` and a `data` envelope. Every field but `id` is optional; the raw row is kept. Ids
 * (`id`, `workspace_id`, `source_id`, `target_id`) and `created_at` may come as JSON numbers and
 * are read as their decimal strings.
 */
export interface ActivityRow {
  id: string;
  workspace_id?: string | null | undefined;
  activity_type?: string | null | undefined;
  type?: string | null | undefined;
  source_id?: string | null | undefined;
  target_id?: string | null | undefined;
  method?: string | null | undefined;
  summary?: string | null | undefined;
  status?: string | null | undefined;
  error_detail?: string | null | undefined;
  created_at?: string | null | undefined;
  ts?: string | number | null | undefined;
  duration_ms?: number | null | undefined;
  request_body?: unknown;
  response_body?: unknown;
  data?: unknown;
  [key: string]: unknown;
}
export const activityRowSchema: Schema<ActivityRow> = jsonObject({
  id: idString,
  workspace_id: nullishIdString,
  activity_type: nullishString,
  type: nullishString,
  source_id: nullishIdString,
  target_id: nullishIdString,
  method: nullishString,
  summary: nullishString,
  status: nullishString,
  error_detail: nullishString,
  created_at: nullishIdString,
  ts: v.nullish(v.union([v.string(), v.number()])),
  duration_ms: v.nullish(v.number()),
  request_body: v.optional(v.unknown()),
  response_body: v.optional(v.unknown()),
  data: v.optional(v.unknown()),
});

/** `GET /workspaces/:id/activity`: an array, or (Python-era servers) `{items: [...]}`, or null. */
export const activityListSchema: Schema<{ items: unknown[] } | unknown[] | null | undefined> = v.nullish(
  v.union([v.array(v.unknown()), jsonObject({ items: v.array(v.unknown()) })]),
);

export interface DelegateBody {
  delegation_id: string;
  status: string;
  target_id?: string | undefined;
  idempotent_hit?: boolean | undefined;
  warning?: string | undefined;
  [key: string]: unknown;
}
/** `POST /workspaces/:id/delegate` 202/200. */
export const delegateBodySchema: Schema<DelegateBody> = jsonObject({
  delegation_id: nonEmpty,
  status: v.string(),
  target_id: v.optional(v.string()),
  idempotent_hit: v.optional(v.boolean()),
  warning: v.optional(v.string()),
});

export interface MintTokenBody {
  auth_token: string;
  workspace_id?: string | undefined;
  [key: string]: unknown;
}
/** `POST /workspaces/:id/tokens` 201. */
export const mintTokenBodySchema: Schema<MintTokenBody> = jsonObject({
  auth_token: nonEmpty,
  workspace_id: v.optional(v.string()),
});

export interface QueuedBody {
  queued: true;
  queue_id: string;
  queue_depth?: number | undefined;
  message?: string | undefined;
  [key: string]: unknown;
}
/** The A2A proxy's 202: the target was busy and the message waits in the platform's queue. */
export const queuedBodySchema: Schema<QueuedBody> = jsonObject({
  queued: v.literal(true),
  queue_id: v.string(),
  queue_depth: v.optional(v.number()),
  message: v.optional(v.string()),
});

export interface StatusBody {
  status?: string | undefined;
  [key: string]: unknown;
}
/** `{status: "..."}` answers: heartbeat, update-card, notify, plugin install. An empty body is fine too. */
export const statusBodySchema: Schema<StatusBody | undefined> = v.optional(
  jsonObject({ status: v.optional(v.string()) }),
);
