import { isRecord } from './a2a-parts.js';

/** Whether the activity feed honours `since_id` (`cursor`), ignores it (`server`), or it is not known yet. */
export type FeedMode = 'unknown' | 'cursor' | 'server';

/** A row's id as a string, or `""`. */
export function rowIdOf(row: unknown): string {
  if (!isRecord(row)) return '';
  const id = row.id;
  return typeof id === 'string' ? id : typeof id === 'number' && id !== 0 ? String(id) : '';
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A row's time in microseconds: the server writes RFC 3339 with up to six fractional digits, and
 * rows written within one millisecond must still order correctly.
 */
function timeOf(row: unknown): number {
  if (!isRecord(row)) return Number.NaN;
  const value = row.created_at ?? row.ts;
  if (typeof value !== 'string') return Number.NaN;
  const match = RFC3339.exec(value);
  if (!match) return Date.parse(value) * 1000;
  const seconds = Date.parse(`${match[1]}${match[3]!.toUpperCase()}`);
  // Digits, not floating point: 0.123457 * 1e6 is 123456.99…, which would tie with the row before.
  const fraction = Number((match[2] ?? '.').slice(1).padEnd(6, '0').slice(0, 6));
  return seconds * 1000 + fraction;
}

/**
 * Rows oldest first. The server today returns newest first; the cursor feed oldest first. A
 * descending batch is reversed, then rows are stably sorted by `created_at` when every row has one.
 */
export function sortRowsAscending(rows: readonly unknown[]): unknown[] {
  const times = rows.map(timeOf);
  const dated = times.every(Number.isFinite);
  const descending = dated && rows.length > 1 && times[0]! > times[times.length - 1]!;
  const ordered = descending ? [...rows].reverse() : [...rows];
  if (!dated) return ordered;
  return ordered
    .map((row, index) => ({ row, index, time: timeOf(row) }))
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map((entry) => entry.row);
}

/**
 * What a batch says about the feed. A cursor feed never returns the `since_id` row itself and
 * returns rows oldest first; the server without a cursor ignores `since_id` and returns the
 * newest rows, newest first. `null` when the batch cannot tell.
 */
export function detectFeedMode(
  rows: readonly unknown[],
  sinceId: string | null,
): Exclude<FeedMode, 'unknown'> | null {
  if (sinceId !== null && rows.some((row) => rowIdOf(row) === sinceId)) return 'server';
  const times = rows.map(timeOf).filter(Number.isFinite);
  if (times.length >= 2) {
    const first = times[0]!;
    const last = times[times.length - 1]!;
    if (first > last) return 'server';
    if (first < last && sinceId !== null) return 'cursor';
  }
  return null;
}
