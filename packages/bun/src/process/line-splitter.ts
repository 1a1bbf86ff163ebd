/** Turns chunks of bytes into lines, bounded in memory. */
export interface LineSplitter {
  /** Feeds bytes; `emit` is called for every complete line. */
  push(chunk: Uint8Array): void;
  /** Emits what is left as a last line (if anything). */
  flush(): void;
}

/**
 * Splits a byte stream into lines without the line break (`\n` or `\r\n`). A line longer than
 * `maxLineLength` characters is emitted in pieces of that length, so a program that prints
 * megabytes without a newline cannot make the runner hold them all.
 */
export function createLineSplitter(emit: (line: string) => void, maxLineLength: number): LineSplitter {
  const decoder = new TextDecoder();
  let pending = '';
  const emitLine = (raw: string): void => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    while (line.length > maxLineLength) {
      emit(line.slice(0, maxLineLength));
      line = line.slice(maxLineLength);
    }
    emit(line);
  };
  const drain = (): void => {
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      emitLine(pending.slice(start, end));
      start = end + 1;
    }
    pending = pending.slice(start);
    while (pending.length > maxLineLength) {
      emit(pending.slice(0, maxLineLength));
      pending = pending.slice(maxLineLength);
    }
  };
  return {
    push(chunk) {
      pending += decoder.decode(chunk, { stream: true });
      drain();
    },
    flush() {
      pending += decoder.decode();
      drain();
      if (pending !== '') emitLine(pending);
      pending = '';
    },
  };
}
