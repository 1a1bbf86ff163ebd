/**
 * Randomness for ids, tokens and fault decisions.
 *
 * With a seed every value is reproducible (tests, demos, fault plans); without one the
 * platform's crypto is used, like the real server. Separate streams keep fault decisions from
 * shifting the ids a test sees.
 */

/** A source of random bytes and uniform floats. */
export interface RandomSource {
  /** Fills and returns `n` random bytes. */
  bytes(n: number): Uint8Array;
  /** A float in [0, 1). */
  float(): number;
}

/** sfc32 seeded through splitmix32: small, fast and good enough for a simulator. */
export function createSeededRandom(seed: number, stream = 0): RandomSource {
  let state = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return {
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i += 4) {
        const v = next();
        for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (v >>> (8 * j)) & 0xff;
      }
      return out;
    },
    float() {
      return next() / 0x100000000;
    },
  };
}

/** Randomness from `crypto.getRandomValues`, as the real server uses. */
export function createCryptoRandom(): RandomSource {
  return {
    bytes(n) {
      const out = new Uint8Array(n);
      crypto.getRandomValues(out);
      return out;
    },
    float() {
      const buf = new Uint32Array(1);
      crypto.getRandomValues(buf);
      return buf[0]! / 0x100000000;
    },
  };
}
