// The activity-row fast path must give what activityRowSchema gives (the same keys and values,
// numeric ids as strings; the row's own key order, as it checks the row in place instead of copying
// it) and leave every row it does not plainly accept to the schema, untouched.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { activityRowFastPath } from '../src/schemas/activity-row-fast-path.js';
import { activityRowSchema } from '../src/schemas/platform.js';

const accepted: Record<string, unknown>[] = [
  { id: 'a1' },
  { id: 7, workspace_id: 12, source_id: null, target_id: 'w-2', created_at: 1_700_000_000 },
  {
    extra_first: 1,
    data: { nested: [1, 2] },
    id: 'row-9',
    activity_type: 'a2a_receive',
    type: null,
    method: 'message/send',
    summary: 'hello',
    status: 'ok',
    error_detail: undefined,
    ts: 1.5,
    duration_ms: 12,
    request_body: { params: { message: { parts: [] } } },
    response_body: null,
    trailing: 'kept',
  },
  { id: 'x', ts: '2026-12-03T07:00:00Z', duration_ms: null, workspace_id: undefined },
];

const declined: unknown[] = [
  null,
  [],
  'row',
  {},
  { id: '' },
  { id: null },
  { id: Number.NaN },
  { id: Number.POSITIVE_INFINITY },
  { id: 'a', summary: 5 },
  { id: 'a', workspace_id: true },
  { id: 'a', duration_ms: '12' },
  { id: 'a', ts: { at: 1 } },
  JSON.parse('{"id":"a","__proto__":{"polluted":true}}'),
];

describe('activityRowFastPath', () => {
  it('gives the schema output for every row it accepts: the same keys and values', () => {
    for (const row of accepted) {
      const schema = v.parse(activityRowSchema, structuredClone(row));
      const fast = activityRowFastPath(structuredClone(row));
      expect(fast).toEqual(schema);
      expect(Object.keys(fast as object).sort()).toEqual(Object.keys(schema).sort());
    }
  });

  it('checks the row in place: no copy, numeric ids turned into strings on the row itself', () => {
    const row: Record<string, unknown> = { id: 7, workspace_id: 12, summary: 'hi', extra: [1] };
    const fast = activityRowFastPath(row);
    expect(fast).toBe(row);
    expect(row).toEqual({ id: '7', workspace_id: '12', summary: 'hi', extra: [1] });
  });

  it('leaves to the schema every row that is not plainly valid, untouched', () => {
    for (const row of declined) {
      const before = structuredClone(row);
      expect(activityRowFastPath(row)).toBeUndefined();
      expect(row).toEqual(before);
    }
    // A numeric id is not turned into a string when a later field declines the row.
    const late = { id: 7, workspace_id: 12, summary: 5 };
    expect(activityRowFastPath(late)).toBeUndefined();
    expect(late).toEqual({ id: 7, workspace_id: 12, summary: 5 });
    // Not a plain object: the schema decides.
    expect(activityRowFastPath(Object.assign(Object.create(null), { id: 'a' }))).toBeUndefined();
  });

  it('declines only what the schema refuses or would copy differently', () => {
    // The schema refuses all of these but the last (it drops an own __proto__ key), which the
    // fast path hands back to it rather than copying.
    const refused = declined.slice(0, -1).filter((row) => !v.safeParse(activityRowSchema, row).success);
    expect(refused).toHaveLength(declined.length - 1);
  });
});
