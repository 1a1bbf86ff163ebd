import type { CliOutput } from './cli-io.js';

/** One progress update: a phase name, and bytes so far (of a total when known). */
export interface ProgressUpdate {
  phase: string;
  bytes?: number;
  totalBytes?: number;
}

/** Shows progress of a long operation. */
export interface ProgressReporter {
  update(update: ProgressUpdate): void;
  /** Ends the progress display (clears the bar on a terminal). */
  finish(): void;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * On a terminal: one bar redrawn in place (`\r`) on stderr, at most every 100 ms or at a phase
 * change. Otherwise (a pipe, a log file, CI): one plain line per phase, and never more often than
 * every 10% of a known total, so logs stay readable.
 */
export function createProgressReporter(output: CliOutput, now: () => number = Date.now): ProgressReporter {
  const tty = output.isTTY === true;
  let phase = '';
  let lastDraw = 0;
  let lastDecile = -1;
  let drawn = false;

  function line(update: ProgressUpdate): string {
    const { bytes, totalBytes } = update;
    if (bytes === undefined) return update.phase;
    if (totalBytes === undefined || totalBytes <= 0) return `${update.phase} ${formatBytes(bytes)}`;
    const ratio = Math.min(1, bytes / totalBytes);
    const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
    if (!tty) return `${update.phase} ${percent} (${formatBytes(bytes)} of ${formatBytes(totalBytes)})`;
    const width = Math.max(10, Math.min(30, (output.columns ?? 80) - 50));
    const filled = Math.round(ratio * width);
    return `${update.phase} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent} ${formatBytes(bytes)}/${formatBytes(totalBytes)}`;
  }

  return {
    update(update) {
      const phaseChanged = update.phase !== phase;
      phase = update.phase;
      if (tty) {
        const time = now();
        if (!phaseChanged && time - lastDraw < 100) return;
        lastDraw = time;
        output.write(`\r\x1b[2K${line(update)}`);
        drawn = true;
        return;
      }
      const decile =
        update.bytes !== undefined && update.totalBytes
          ? Math.floor((update.bytes / update.totalBytes) * 10)
          : -1;
      if (!phaseChanged && (decile === -1 || decile <= lastDecile)) return;
      lastDecile = phaseChanged ? decile : Math.max(lastDecile, decile);
      output.write(`${line(update)}\n`);
    },
    finish() {
      if (tty && drawn) output.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
