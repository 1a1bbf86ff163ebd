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
 * `activityRowSchema`'s output for a row it accepts, checked in place without valibot (a page of
 * 100 rows is validated on every poll, and valibot's general walk, like a copy of every row, cost
 * more than parsing the JSON). Returns the row itself, with numeric ids turned into their strings,
 * so `value` must be the caller's own (a freshly parsed body): the same fields and values as the
 * schema's output, in the row's own key order. Returns `undefined` for anything it does not plainly
 * accept (a wrong type, a missing id, an odd key): the schema then decides, with its own messages.
 */
export function activityRowFastPath(value: unknown): ActivityRow | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const input = value as Record<string, unknown>;
  if (!('id' in input)) return undefined;
  // The schema drops these own keys (a parsed "__proto__" is an own key): leave such rows to it.
  if (
    Object.hasOwn(input, '__proto__') ||
    Object.hasOwn(input, 'prototype') ||
    Object.hasOwn(input, 'constructor')
  ) {
    return undefined;
  }
  // A prototype other than Object's (or none) would make the row differ from the schema's copy.
  if (Object.getPrototypeOf(input) !== Object.prototype) return undefined;
  let numericIds: Field[] | undefined;
  for (const field of FIELDS) {
    if (!(field in input)) continue;
    const fieldValue = input[field];
    if (!VALID[field](fieldValue)) return undefined;
    if (typeof fieldValue === 'number' && ID_FIELDS.has(field)) {
      numericIds ??= [];
      numericIds.push(field);
    }
  }
  // Only once the whole row is accepted: a declined row reaches the schema untouched.
  if (numericIds !== undefined) for (const field of numericIds) input[field] = String(input[field]);
  return input as ActivityRow;
}
