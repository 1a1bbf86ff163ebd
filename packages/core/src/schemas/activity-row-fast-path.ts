import type { ActivityRow } from './platform.js';

const isNumber = (value: unknown): value is number => typeof value === 'number' && !Number.isNaN(value);
const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const nullish = (value: unknown): boolean => value === null || value === undefined;
const nullishString = (value: unknown): boolean => nullish(value) || typeof value === 'string';
/** An id field: a string, or a finite number (which the schema turns into its decimal string). */
const nullishId = (value: unknown): boolean =>
  nullish(value) || typeof value === 'string' || isFiniteNumber(value);

/**
 * `activityRowSchema`'s output for a row it accepts, checked in place without valibot (a page of
 * 100 rows is validated on every poll, and valibot's general walk, like a copy of every row, cost
 * more than parsing the JSON). Returns the row itself, with numeric ids turned into their strings,
 * so `value` must be the caller's own (a freshly parsed body): the same fields and values as the
 * schema's output, in the row's own key order. Returns `undefined` for anything it does not plainly
 * accept (a wrong type, a missing id, an odd key): the schema then decides, with its own messages.
 *
 * One pass over the row's keys, each checked as the schema checks its field (`request_body`,
 * `response_body`, `data` and unknown keys take anything).
 */
export function activityRowFastPath(value: unknown): ActivityRow | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  // Another prototype (or none) could bring keys or a shape the schema's copy would not have.
  if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const input = value as Record<string, unknown>;
  let hasId = false;
  let numericIds: string[] | undefined;
  for (const key in input) {
    const field = input[key];
    switch (key) {
      case 'id':
        if (typeof field === 'string' ? field.length === 0 : !isFiniteNumber(field)) return undefined;
        hasId = true;
        break;
      case 'workspace_id':
      case 'source_id':
      case 'target_id':
      case 'created_at':
        if (!nullishId(field)) return undefined;
        break;
      case 'activity_type':
      case 'type':
      case 'method':
      case 'summary':
      case 'status':
      case 'error_detail':
        if (!nullishString(field)) return undefined;
        break;
      case 'ts':
        if (!(nullish(field) || typeof field === 'string' || isNumber(field))) return undefined;
        break;
      case 'duration_ms':
        if (!(nullish(field) || isNumber(field))) return undefined;
        break;
      // The schema drops these own keys (a parsed "__proto__" is an own key): leave the row to it.
      case '__proto__':
      case 'prototype':
      case 'constructor':
        return undefined;
      default:
        continue;
    }
    if (typeof field === 'number' && key !== 'ts' && key !== 'duration_ms') {
      numericIds ??= [];
      numericIds.push(key);
    }
  }
  if (!hasId) return undefined;
  // Only once the whole row is accepted: a declined row reaches the schema untouched.
  if (numericIds !== undefined) for (const key of numericIds) input[key] = String(input[key]);
  return input as ActivityRow;
}
