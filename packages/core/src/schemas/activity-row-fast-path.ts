import type { ActivityRow } from './platform.js';

/** The fields of `activityRowSchema`, in its order (the order its output keys come in). */
const FIELDS = [
  'id',
  'workspace_id',
  'activity_type',
  'type',
  'source_id',
  'target_id',
  'method',
  'summary',
  'status',
  'error_detail',
  'created_at',
  'ts',
  'duration_ms',
  'request_body',
  'response_body',
  'data',
] as const;
type Field = (typeof FIELDS)[number];
const KNOWN = new Set<string>(FIELDS);

const isNumber = (value: unknown): value is number => typeof value === 'number' && !Number.isNaN(value);
const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const nullish = (value: unknown): boolean => value === null || value === undefined;
const nullishString = (value: unknown): boolean => nullish(value) || typeof value === 'string';
/** An id field: a string, or a finite number (which the schema turns into its decimal string). */
const nullishId = (value: unknown): boolean =>
  nullish(value) || typeof value === 'string' || isFiniteNumber(value);
const anything = (): boolean => true;

/** Whether the schema takes each field's value as it is (or, for ids, as its string). */
const VALID: Record<Field, (value: unknown) => boolean> = {
  id: (value) => (typeof value === 'string' ? value.length > 0 : isFiniteNumber(value)),
  workspace_id: nullishId,
  activity_type: nullishString,
  type: nullishString,
  source_id: nullishId,
  target_id: nullishId,
  method: nullishString,
  summary: nullishString,
  status: nullishString,
  error_detail: nullishString,
  created_at: nullishId,
  ts: (value) => nullish(value) || typeof value === 'string' || isNumber(value),
  duration_ms: (value) => nullish(value) || isNumber(value),
  request_body: anything,
  response_body: anything,
  data: anything,
};
const ID_FIELDS = new Set<string>(['id', 'workspace_id', 'source_id', 'target_id', 'created_at']);

/**
 * `activityRowSchema`'s output for a row it accepts, built without valibot (a page of 100 rows is
 * validated on every poll, and valibot's general walk cost more than parsing the JSON). Returns
 * `undefined` for anything it does not plainly accept (a wrong type, a missing id, an odd key): the
 * schema then decides, with its own messages. Same output: the known fields in the schema's order
 * (numeric ids as strings), then the other own keys.
 */
export function activityRowFastPath(value: unknown): ActivityRow | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const input = value as Record<string, unknown>;
  if (!('id' in input)) return undefined;
  const out: Record<string, unknown> = {};
  for (const field of FIELDS) {
    if (!(field in input)) continue;
    const fieldValue = input[field];
    if (!VALID[field](fieldValue)) return undefined;
    out[field] = typeof fieldValue === 'number' && ID_FIELDS.has(field) ? String(fieldValue) : fieldValue;
  }
  for (const key of Object.keys(input)) {
    if (KNOWN.has(key)) continue;
    if (key === '__proto__' || key === 'prototype' || key === 'constructor') return undefined;
    out[key] = input[key];
  }
  return out as ActivityRow;
}
