/** Size of the buffer a byte stream is read into. */
const BUFFER_BYTES = 256 * 1024;

/**
 * Pull-style reading of a byte stream at arbitrary boundaries: exact reads for headers (which may
 * straddle chunks), bounded chunk reads for file data (zero-copy views of the incoming chunks)
 * and skips. Never holds more than the current chunk plus what an exact read asked for.
 *
 * A byte stream (`type: 'bytes'`) is read into one buffer of the reader's own, reused for every
 * read, so that nothing is allocated per chunk; then `reusesBuffer` is true and a view returned
 * by `readChunk` or `readExact` holds its bytes only until the next call that reads from the
 * stream: copy what must be kept longer.
 */
export class ByteReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array> | ReadableStreamBYOBReader;
  readonly #byob: boolean;
  #buffer: ArrayBuffer | undefined;
  #chunk: Uint8Array = new Uint8Array(0);
  #done = false;
  #position = 0;

  constructor(stream: ReadableStream<Uint8Array>) {
    let byob: ReadableStreamBYOBReader | undefined;
    try {
      byob = stream.getReader({ mode: 'byob' });
    } catch {
      // Not a byte stream: chunk by chunk, each chunk the stream's own.
    }
    this.#byob = byob !== undefined;
    this.#reader = byob ?? stream.getReader();
  }

  /** True when views handed out live in a buffer that the next read from the stream overwrites. */
  get reusesBuffer(): boolean {
    return this.#byob;
  }

  /** Bytes consumed so far. */
  get position(): number {
    return this.#position;
  }

  async #fill(): Promise<boolean> {
    while (this.#chunk.length === 0) {
      if (this.#done) return false;
      if (this.#byob) this.#buffer ??= new ArrayBuffer(BUFFER_BYTES);
      const { done, value } = this.#byob
        ? await (this.#reader as ReadableStreamBYOBReader).read(new Uint8Array(this.#buffer as ArrayBuffer))
        : await (this.#reader as ReadableStreamDefaultReader<Uint8Array>).read();
      // The buffer comes back (transferred) with the bytes read into it.
      if (this.#byob && value) this.#buffer = value.buffer as ArrayBuffer;
      if (done) {
        this.#done = true;
        return false;
      }
      this.#chunk = value;
    }
    return true;
  }

  /**
   * Up to `max` bytes of what is already buffered, or `null` when nothing is: the synchronous
   * fast path of {@link readChunk} (most reads of an archive are served from the current buffer,
   * and a promise per read is most of what reading costs then).
   */
  readBuffered(max: number): Uint8Array | null {
    if (this.#chunk.length === 0 || max <= 0) return null;
    const take = Math.min(max, this.#chunk.length);
    const out = this.#chunk.subarray(0, take);
    this.#chunk = this.#chunk.subarray(take);
    this.#position += take;
    return out;
  }

  /** Exactly `length` bytes when they are all buffered, else `null` (and nothing is consumed). */
  readExactBuffered(length: number): Uint8Array | null {
    return this.#chunk.length >= length ? this.readBuffered(length) : null;
  }

  /** Skips `length` bytes when they are all buffered and returns true; false (nothing skipped) otherwise. */
  skipBuffered(length: number): boolean {
    if (this.#chunk.length < length) return false;
    this.#chunk = this.#chunk.subarray(length);
    this.#position += length;
    return true;
  }

  /** Up to `max` bytes (at least one), or `null` at the end of the stream. */
  async readChunk(max: number): Promise<Uint8Array | null> {
    if (!(await this.#fill())) return null;
    const take = Math.min(max, this.#chunk.length);
    const out = this.#chunk.subarray(0, take);
    this.#chunk = this.#chunk.subarray(take);
    this.#position += take;
    return out;
  }

  /**
   * Exactly `length` bytes. Returns fewer only when the stream ends first (an empty array when it
   * ended before the first byte); the caller decides whether that is an error.
   */
  async readExact(length: number): Promise<Uint8Array> {
    if (!(await this.#fill())) return new Uint8Array(0);
    if (this.#chunk.length >= length) {
      const out = this.#chunk.subarray(0, length);
      this.#chunk = this.#chunk.subarray(length);
      this.#position += length;
      return out;
    }
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const piece = await this.readChunk(length - filled);
      if (!piece) return out.subarray(0, filled);
      out.set(piece, filled);
      filled += piece.length;
    }
    return out;
  }

  /** Skips `length` bytes; returns how many were actually skipped (fewer at the end of the stream). */
  async skip(length: number): Promise<number> {
    let skipped = 0;
    while (skipped < length) {
      const piece = await this.readChunk(length - skipped);
      if (!piece) break;
      skipped += piece.length;
    }
    return skipped;
  }

  /** Cancels the underlying stream (which cancels everything piped into it). Never throws. */
  async cancel(reason?: unknown): Promise<void> {
    this.#done = true;
    this.#chunk = new Uint8Array(0);
    await this.#reader.cancel(reason).catch(() => {});
  }
}
