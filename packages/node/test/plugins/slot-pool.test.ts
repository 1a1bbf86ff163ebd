import { describe, expect, it } from 'vitest';
import { createSlotPool, slotSizeFor } from '../../src/plugins/slot-pool.js';

const KiB = 1024;

describe('slotSizeFor', () => {
  it('rounds up to a power of two between 4 KiB and the largest slot', () => {
    expect(slotSizeFor(0, 256 * KiB)).toBe(4 * KiB);
    expect(slotSizeFor(1, 256 * KiB)).toBe(4 * KiB);
    expect(slotSizeFor(4 * KiB, 256 * KiB)).toBe(4 * KiB);
    expect(slotSizeFor(4 * KiB + 1, 256 * KiB)).toBe(8 * KiB);
    expect(slotSizeFor(25 * KiB, 256 * KiB)).toBe(32 * KiB);
    expect(slotSizeFor(256 * KiB, 256 * KiB)).toBe(256 * KiB);
  });

  it('refuses a size beyond the largest slot', () => {
    expect(() => slotSizeFor(256 * KiB + 1, 256 * KiB)).toThrow(RangeError);
  });
});

describe('createSlotPool', () => {
  it('hands a released slot to the next file of its size class, and makes a new one for another class', () => {
    const pool = createSlotPool(256 * KiB, 1024 * KiB);
    const first = pool.acquire(20 * KiB);
    expect(first.length).toBe(32 * KiB);
    pool.release(first);
    expect(pool.acquire(30 * KiB)).toBe(first);
    const other = pool.acquire(100 * KiB);
    expect(other).not.toBe(first);
    expect(other.length).toBe(128 * KiB);
    expect(pool.liveBytes).toBe(160 * KiB);
  });

  it('many small files in flight hold their sizes, not a full-size slot each', () => {
    const pool = createSlotPool(256 * KiB, 17 * 256 * KiB);
    const inFlight = Array.from({ length: 17 }, () => pool.acquire(25 * KiB));
    expect(pool.liveBytes).toBe(17 * 32 * KiB);
    for (const slot of inFlight) pool.release(slot);
    // Reused: another round of the same files makes nothing new.
    for (let i = 0; i < 17; i++) pool.acquire(25 * KiB);
    expect(pool.liveBytes).toBe(17 * 32 * KiB);
  });

  it('drops pooled slots of other sizes, largest first, before the cap would be passed', () => {
    const pool = createSlotPool(256 * KiB, 400 * KiB);
    const big = pool.acquire(200 * KiB);
    const mid = pool.acquire(100 * KiB);
    const small = pool.acquire(3 * KiB);
    pool.release(big);
    pool.release(mid);
    pool.release(small);
    expect(pool.liveBytes).toBe((256 + 128 + 4) * KiB);
    // A new 64 KiB slot would pass the cap: the pooled 256 KiB slot goes, the smaller ones stay.
    expect(pool.acquire(50 * KiB).length).toBe(64 * KiB);
    expect(pool.liveBytes).toBe((128 + 4 + 64) * KiB);
    expect(pool.acquire(100 * KiB)).toBe(mid);
    expect(pool.acquire(1)).toBe(small);
    expect(pool.acquire(200 * KiB)).not.toBe(big);
  });

  it('never refuses a slot: with every slot in use it goes beyond the cap', () => {
    const pool = createSlotPool(256 * KiB, 256 * KiB);
    pool.acquire(256 * KiB);
    expect(pool.acquire(256 * KiB).length).toBe(256 * KiB);
    expect(pool.liveBytes).toBe(512 * KiB);
  });
});
