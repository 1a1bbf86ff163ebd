import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../src/inbound/index.js';

describe('constantTimeEqual', () => {
  it('is true for equal strings, empty ones included', () => {
    expect(constantTimeEqual('Bearer s3cret-value', 'Bearer s3cret-value')).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('is false when any character differs, first, middle or last', () => {
    expect(constantTimeEqual('xbcdef', 'abcdef')).toBe(false);
    expect(constantTimeEqual('abcxef', 'abcdef')).toBe(false);
    expect(constantTimeEqual('abcdex', 'abcdef')).toBe(false);
  });

  it('is false for a prefix or a longer string', () => {
    expect(constantTimeEqual('abc', 'abcdef')).toBe(false);
    expect(constantTimeEqual('abcdefg', 'abcdef')).toBe(false);
  });

  it('compares UTF-16 code units, not a lossy conversion', () => {
    expect(constantTimeEqual('café', 'cafe\u0301')).toBe(false);
    expect(constantTimeEqual('\u0100', '\u0000')).toBe(false);
  });
});
