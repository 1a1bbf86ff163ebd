import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../src/testing/index.js';

describe('createFakeClock', () => {
  it('starts where told and moves only on sleep or advance', async () => {
    const clock = createFakeClock({ start: 1_000 });
    expect(clock.now()).toBe(1_000);
    await clock.sleep(250);
    clock.advance(50);
    expect(clock.now()).toBe(1_300);
    expect(clock.sleeps).toEqual([250]);
    expect(clock.completed).toEqual([250]);
  });

  it('rejects with the reason of a signal aborted before or during the sleep, and does not move', async () => {
    const clock = createFakeClock({ start: 0 });
    const before = new AbortController();
    before.abort(new Error('before'));
    await expect(clock.sleep(10, before.signal)).rejects.toThrow('before');

    const during = new AbortController();
    clock.onSleep = () => during.abort(new Error('during'));
    await expect(clock.sleep(20, during.signal)).rejects.toThrow('during');
    expect(clock.sleeps).toEqual([20]);
    expect(clock.completed).toEqual([]);
    expect(clock.now()).toBe(0);
  });

  it('lets pending I/O run inside a sleep unless told not to', async () => {
    for (const yieldToIo of [true, false]) {
      const clock = createFakeClock({ yieldToIo });
      let ran = false;
      setTimeout(() => {
        ran = true;
      }, 0);
      await clock.sleep(1);
      expect(ran).toBe(yieldToIo);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  });

  it('awaits an async onSleep with the index of the sleep', async () => {
    const seen: Array<[number, number]> = [];
    const clock = createFakeClock({
      onSleep: async (ms, index) => {
        await Promise.resolve();
        seen.push([ms, index]);
      },
    });
    await clock.sleep(5);
    await clock.sleep(7);
    expect(seen).toEqual([
      [5, 0],
      [7, 1],
    ]);
  });
});
