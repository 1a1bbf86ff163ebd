/** Longest line passed on whole; a longer run without a line break is passed on in pieces of this size. */
export const MAX_OUTPUT_LINE_CHARS: number = 64 * 1024;

/**
 * Turns a byte stream into lines: UTF-8 decoded across chunk boundaries, split on `\n`, a trailing
 * `\r` removed. A line that grows past `maxLineChars` is emitted in pieces so that output without
 * line breaks cannot grow memory.
 */
export class LineSplitter {
  readonly #decoder = new TextDecoder();
  readonly #emit: (line: string) => void;
  readonly #maxLineChars: number;
  #pending = '';

  constructor(emit: (line: string) => void, maxLineChars: number = MAX_OUTPUT_LINE_CHARS) {
    this.#emit = emit;
    this.#maxLineChars = maxLineChars;
  }

  push(chunk: Uint8Array): void {
    this.#take(this.#decoder.decode(chunk, { stream: true }));
  }

  /** Emits whatever is left (a last line without a line break). */
  end(): void {
    this.#take(this.#decoder.decode());
    if (this.#pending !== '') this.#line(this.#pending);
    this.#pending = '';
  }

  #take(text: string): void {
    let rest = this.#pending + text;
    for (let newline = rest.indexOf('\n'); newline >= 0; newline = rest.indexOf('\n')) {
      this.#line(rest.slice(0, newline));
      rest = rest.slice(newline + 1);
    }
    while (rest.length > this.#maxLineChars) {
      this.#emit(rest.slice(0, this.#maxLineChars));
      rest = rest.slice(this.#maxLineChars);
    }
    this.#pending = rest;
  }

  #line(line: string): void {
    this.#emit(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}
