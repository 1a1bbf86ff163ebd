/**
 * SHA-256 for plugin files. `crypto.subtle.digest` is native and fast but takes the whole input
 * at once, so a large file would have to sit in memory. Files up to {@link SUBTLE_DIGEST_MAX_BYTES}
 * go through `crypto.subtle`; larger ones through the incremental hasher below, which keeps memory
 * flat whatever the file size.
 */

/** Files up to this size are hashed in one `crypto.subtle.digest` call; larger ones incrementally. */
export const SUBTLE_DIGEST_MAX_BYTES: number = 8 * 1024 * 1024;

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** An incremental SHA-256: feed bytes with `update`, read the lowercase hex digest once with `digestHex`. */
export interface Sha256Hasher {
  update(bytes: Uint8Array): void;
  digestHex(): string;
}

/** Creates an incremental SHA-256 hasher (FIPS 180-4), pure JavaScript, constant memory. */
export function createSha256(): Sha256Hasher {
  const state = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = new Uint32Array(64);
  const block = new Uint8Array(64);
  let blockLength = 0;
  let totalBytes = 0;
  let finished = false;

  function compress(bytes: Uint8Array, offset: number): void {
    for (let i = 0; i < 16; i++) {
      const j = offset + i * 4;
      w[i] = ((bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!) >>> 0;
    }
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) >>> 0;
    }
    let a = state[0]!;
    let b = state[1]!;
    let c = state[2]!;
    let d = state[3]!;
    let e = state[4]!;
    let f = state[5]!;
    let g = state[6]!;
    let h = state[7]!;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + s1 + ch + K[i]! + w[i]!) >>> 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (s0 + maj) >>> 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    state[0] = (state[0]! + a) >>> 0;
    state[1] = (state[1]! + b) >>> 0;
    state[2] = (state[2]! + c) >>> 0;
    state[3] = (state[3]! + d) >>> 0;
    state[4] = (state[4]! + e) >>> 0;
    state[5] = (state[5]! + f) >>> 0;
    state[6] = (state[6]! + g) >>> 0;
    state[7] = (state[7]! + h) >>> 0;
  }

  return {
    update(bytes: Uint8Array): void {
      if (finished) throw new Error('sha256: update after digest');
      totalBytes += bytes.length;
      let offset = 0;
      if (blockLength > 0) {
        const take = Math.min(64 - blockLength, bytes.length);
        block.set(bytes.subarray(0, take), blockLength);
        blockLength += take;
        offset = take;
        if (blockLength < 64) return;
        compress(block, 0);
        blockLength = 0;
      }
      for (; offset + 64 <= bytes.length; offset += 64) compress(bytes, offset);
      if (offset < bytes.length) {
        block.set(bytes.subarray(offset), 0);
        blockLength = bytes.length - offset;
      }
    },
    digestHex(): string {
      if (finished) throw new Error('sha256: digest read twice');
      finished = true;
      const bitsHigh = Math.floor(totalBytes / 0x20000000);
      const bitsLow = (totalBytes * 8) >>> 0;
      block[blockLength++] = 0x80;
      if (blockLength > 56) {
        block.fill(0, blockLength);
        compress(block, 0);
        blockLength = 0;
      }
      block.fill(0, blockLength, 56);
      const view = new DataView(block.buffer);
      view.setUint32(56, bitsHigh);
      view.setUint32(60, bitsLow);
      compress(block, 0);
      let hex = '';
      for (const word of state) hex += word.toString(16).padStart(8, '0');
      return hex;
    },
  };
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of some bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX[byte];
  return out;
}

/** Lowercase hex SHA-256 of `bytes`, computed by `crypto.subtle`. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // A view over a larger buffer (or a SharedArrayBuffer) is copied to an exact ArrayBuffer first.
  const exact =
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
      ? bytes
      : bytes.slice();
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', exact as Uint8Array<ArrayBuffer>)));
}

/**
 * Lowercase hex SHA-256 of a stream of `size` bytes: collected and given to `crypto.subtle` when
 * small, hashed incrementally when larger, so memory never grows with the file.
 */
export async function sha256OfStream(stream: ReadableStream<Uint8Array>, size: number): Promise<string> {
  const reader = stream.getReader();
  try {
    if (size <= SUBTLE_DIGEST_MAX_BYTES) {
      const chunks: Uint8Array[] = [];
      let total = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        total += value.length;
        // The file grew after it was listed: fall back to the incremental hasher for the rest.
        if (total > SUBTLE_DIGEST_MAX_BYTES) {
          const hasher = createSha256();
          for (const chunk of chunks) hasher.update(chunk);
          return await finishIncremental(reader, hasher);
        }
      }
      const whole = new Uint8Array(total);
      let offset = 0;
      for (const chunk of chunks) {
        whole.set(chunk, offset);
        offset += chunk.length;
      }
      return await sha256Hex(whole);
    }
    return await finishIncremental(reader, createSha256());
  } finally {
    reader.releaseLock();
  }
}

async function finishIncremental(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  hasher: Sha256Hasher,
): Promise<string> {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return hasher.digestHex();
    hasher.update(value);
  }
}
