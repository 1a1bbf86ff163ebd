/** The smallest slot handed out: tiny files share this class instead of one each. */
const MIN_SLOT_BYTES = 4 * 1024;

/** Buffers for small files on their way to disk, reused from file to file. */
export interface SlotPool {
  /** A buffer of at least `size` bytes (a power of two, at least 4 KiB, at most the pool's largest slot). */
  acquire(size: number): Uint8Array;
  /** Gives a buffer from {@link acquire} back for the next file. */
  release(slot: Uint8Array): void;
  /** Bytes in every slot the pool made and still holds or has handed out. */
  readonly liveBytes: number;
}

/** The power-of-two slot size for `size` bytes. */
export function slotSizeFor(size: number, maxSlotBytes: number): number {
  if (size > maxSlotBytes) throw new RangeError(`a slot holds at most ${maxSlotBytes} bytes, not ${size}`);
  let slot = MIN_SLOT_BYTES;
  while (slot < size) slot *= 2;
  return Math.min(slot, maxSlotBytes);
}

/**
 * Slots sized by powers of two, pooled per size. A file takes the smallest class that holds it,
 * so a plugin of many small files holds its files' sizes in flight, not a full-size slot each.
 * Slots in use and pooled together stay within `capBytes`: a slot is made beyond it only once
 * the pooled slots of other sizes have been dropped.
 */
export function createSlotPool(maxSlotBytes: number, capBytes: number): SlotPool {
  const pools = new Map<number, Uint8Array[]>();
  let liveBytes = 0;
  let pooledBytes = 0;

  /** Drops pooled slots, largest first, until `needed` more bytes fit under the cap (or none are left). */
  function makeRoom(needed: number): void {
    for (let size = maxSlotBytes; size >= MIN_SLOT_BYTES && liveBytes + needed > capBytes; size /= 2) {
      const pool = pools.get(size);
      while (pool?.length && liveBytes + needed > capBytes) {
        pool.pop();
        liveBytes -= size;
        pooledBytes -= size;
      }
    }
  }

  return {
    acquire(size) {
      const slotSize = slotSizeFor(size, maxSlotBytes);
      const pooled = pools.get(slotSize)?.pop();
      if (pooled) {
        pooledBytes -= slotSize;
        return pooled;
      }
      if (pooledBytes > 0) makeRoom(slotSize);
      liveBytes += slotSize;
      return new Uint8Array(slotSize);
    },
    release(slot) {
      let pool = pools.get(slot.length);
      if (!pool) {
        pool = [];
        pools.set(slot.length, pool);
      }
      pool.push(slot);
      pooledBytes += slot.length;
    },
    get liveBytes() {
      return liveBytes;
    },
  };
}
