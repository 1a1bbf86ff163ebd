/** Where a view writes: a stream's `write`, and the terminal width when known. */
export interface ViewOutput {
  write(text: string): void;
  /** Terminal columns (TTY only). */
  readonly columns?: number | undefined;
}
