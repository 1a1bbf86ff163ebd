import { describe, expect, it } from 'vitest';
import { detectFeedMode, rowIdOf, sortRowsAscending } from '../../src/inbound/feed-order.js';
import { createSeenSet } from '../../src/inbound/seen-set.js';
import { normaliseTaskReport, taskReportFromInFlight } from '../../src/inbound/task-report.js';
import { inbound } from './helpers.js';

const row = (id: string, second: number) => ({
  id,
  created_at: `2026-05-01T10:00:${String(second).padStart(2, '0')}.5Z`,
});

describe('feed ordering and mode detection', () => {
  it('reverses a newest-first batch and sorts by created_at, ties in arrival order', () => {
    const rows = [row('c', 3), row('b', 2), row('a', 1)];
    expect(sortRowsAscending(rows).map(rowIdOf)).toEqual(['a', 'b', 'c']);
    // Ties keep arrival order in an ascending batch, and reversed arrival order in a descending one.
    expect(sortRowsAscending([row('a', 1), row('c', 3), row('b', 1)]).map(rowIdOf)).toEqual(['a', 'b', 'c']);
    expect(sortRowsAscending([row('c', 3), row('b', 1), row('a', 1)]).map(rowIdOf)).toEqual(['a', 'b', 'c']);
    // Without timestamps the order is kept.
    expect(sortRowsAscending([{ id: 'x' }, { id: 'y' }]).map(rowIdOf)).toEqual(['x', 'y']);
  });

  it('orders rows written within one millisecond by their microseconds', () => {
    const at = (id: string, fraction: string) => ({ id, created_at: `2026-05-01T10:00:00${fraction}Z` });
    const rows = [at('c', '.123458'), at('b', '.123457'), at('a', '.123456'), at('z', '')];
    expect(sortRowsAscending(rows).map(rowIdOf)).toEqual(['z', 'a', 'b', 'c']);
    expect(detectFeedMode([at('a', '.000001'), at('b', '.000002')], 'x')).toBe('cursor');
  });

  it('the server mode shows as the since_id row coming back, or a descending batch', () => {
    expect(detectFeedMode([row('a', 1), row('b', 2)], 'a')).toBe('server');
    expect(detectFeedMode([row('b', 2), row('a', 1)], null)).toBe('server');
    expect(detectFeedMode([row('b', 2), row('c', 3)], 'a')).toBe('cursor');
    expect(detectFeedMode([row('b', 2)], 'a')).toBeNull();
    expect(detectFeedMode([], null)).toBeNull();
  });

  it('rowIdOf accepts strings and non-zero numbers only', () => {
    expect([
      rowIdOf({ id: 'x' }),
      rowIdOf({ id: 7 }),
      rowIdOf({ id: 0 }),
      rowIdOf({}),
      rowIdOf(null),
    ]).toEqual(['x', '7', '', '', '']);
  });
});

describe('createSeenSet', () => {
  it('forgets the oldest ids beyond its limit and re-adding refreshes an id', () => {
    const seen = createSeenSet(3, ['a', 'b']);
    seen.add('c');
    seen.add('a');
    seen.add('d');
    expect(seen.toArray()).toEqual(['c', 'a', 'd']);
    expect(seen.has('b')).toBe(false);
    expect(seen.size).toBe(3);
  });
});

describe('task reports', () => {
  it('derives active_tasks and current_task from the handlers in flight', () => {
    expect(taskReportFromInFlight([])).toEqual({ activeTasks: 0, currentTask: '' });
    const long = 'x'.repeat(300);
    const report = taskReportFromInFlight([inbound('1', `${long}\nsecond line`), inbound('2')]);
    expect(report.activeTasks).toBe(2);
    expect(report.currentTask).toHaveLength(120);
    expect(report.currentTask.endsWith('…')).toBe(true);
  });

  it('normalises a supplied report to integers and strings (Python sent "None" and crashed on floats)', () => {
    expect(normaliseTaskReport({ activeTasks: 2.7, currentTask: 'indexing' })).toEqual({
      activeTasks: 2,
      currentTask: 'indexing',
    });
    expect(normaliseTaskReport({ activeTasks: '3', currentTask: null })).toEqual({
      activeTasks: 3,
      currentTask: '',
    });
    expect(normaliseTaskReport({ activeTasks: 'lots', currentTask: 42 })).toEqual({
      activeTasks: 0,
      currentTask: '42',
    });
    expect(normaliseTaskReport({ activeTasks: -1 })).toEqual({ activeTasks: 0, currentTask: '' });
    expect(normaliseTaskReport(undefined)).toEqual({ activeTasks: 0, currentTask: '' });
  });

  it('reads the snake_case report as well (camelCase wins) and names unknown keys', () => {
    const unknown: string[] = [];
    expect(
      normaliseTaskReport(
        { current_task: 'a', active_tasks: '2', error_rate: 1.5, sample_error: 7, extra: 1, activeTasks: 4 },
        { onUnknownKey: (key) => unknown.push(key) },
      ),
    ).toEqual({ currentTask: 'a', activeTasks: 4, errorRate: 1, sampleError: '7' });
    expect(unknown).toEqual(['extra']);
    expect(normaliseTaskReport({ errorRate: 'bad' })).toEqual({
      activeTasks: 0,
      currentTask: '',
      errorRate: 0,
    });
  });
});
