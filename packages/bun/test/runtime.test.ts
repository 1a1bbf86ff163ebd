import { describe, expect, it } from 'bun:test';

describe('bun runtime', () => {
  it('runs inside the real Bun runtime, not Node', () => {
    expect(typeof Bun).toBe('object');
    expect(typeof Bun.version).toBe('string');
    expect(process.versions.bun).toBe(Bun.version);
  });
});
