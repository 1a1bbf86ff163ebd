/** `8 ms`, `412 ms`, `1.4 s`, `10 s` (round intervals without a decimal). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  return Number.isInteger(ms / 1000) ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** `512 B`, `12.3 KB`, `1.5 MB` (powers of 1024). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A text bar of `width` cells, e.g. `██████░░░░`. */
export function progressBar(fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const full = Math.round(clamped * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** Cuts `text` to `width` visible characters (the text must not contain ANSI codes). */
export function truncate(text: string, width: number): string {
  if (width <= 1 || text.length <= width) return text;
  return `${text.slice(0, width - 1)}…`;
}
