import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { createRecordingLogger, exposeAll } from '../../src/testing/index.js';

describe('createRecordingLogger', () => {
  it('keeps every line at every level, in order, and lists messages by level', () => {
    const logger = createRecordingLogger();
    logger.debug('one');
    logger.info('two', { n: 2 });
    logger.warn('three');
    logger.error('four');
    expect(logger.lines.map((line) => line.level)).toEqual(['debug', 'info', 'warn', 'error']);
    expect(logger.lines[1]).toEqual({ level: 'info', message: 'two', fields: { n: 2 } });
    expect(logger.messages()).toEqual(['one', 'two', 'three', 'four']);
    expect(logger.messages('warn')).toEqual(['three']);
  });

  it("text() shows what a careless shipper could print of the fields: an error's cause chain included", () => {
    const logger = createRecordingLogger();
    const cause = new Error('inner detail s3cr3t');
    logger.warn('failed', {
      error: new ApiError('GET /state failed', { status: 500, method: 'GET', path: '/state', cause }),
    });
    const text = logger.text();
    expect(text.startsWith('warn failed ')).toBe(true);
    expect(text).toContain('GET /state failed');
    expect(text).toContain('inner detail s3cr3t');
  });
});

describe('exposeAll', () => {
  it('reaches own fields, nested errors, aggregate errors and headers, and survives cycles', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const headers = new Headers({ authorization: 'Bearer tok-1' });
    const text = exposeAll({
      cyclic,
      headers,
      failure: new AggregateError([new Error('first'), new Error('second', { cause: 'deep' })], 'both'),
    });
    expect(text).toContain('authorization: Bearer tok-1');
    expect(text).toContain('first');
    expect(text).toContain('second');
    expect(text).toContain('deep');
    expect(text).toContain('loop');
  });
});
