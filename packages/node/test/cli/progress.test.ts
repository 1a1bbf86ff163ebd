import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../src/cli/progress.js';

function capture(isTTY: boolean): {
  text: string;
  write(chunk: string): void;
  isTTY: boolean;
  columns: number;
} {
  return {
    text: '',
    isTTY,
    columns: 100,
    write(chunk) {
      this.text += chunk;
    },
  };
}

describe('createProgressReporter', () => {
  it('on a terminal redraws one bar in place and clears it when finished', () => {
    const out = capture(true);
    let time = 0;
    const progress = createProgressReporter(out, () => time);
    progress.update({ phase: 'download', bytes: 0, totalBytes: 2048 });
    time = 500;
    progress.update({ phase: 'download', bytes: 1024, totalBytes: 2048 });
    time = 1000;
    progress.update({ phase: 'download', bytes: 2048, totalBytes: 2048 });
    progress.finish();
    expect(out.text).not.toContain('\n');
    expect(out.text).toContain('\r\x1b[2Kdownload [');
    expect(out.text).toContain(' 50% 1.0 KiB/2.0 KiB');
    expect(out.text).toContain('100% 2.0 KiB/2.0 KiB');
    expect(out.text.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('on a terminal skips redraws closer than 100 ms apart within a phase', () => {
    const out = capture(true);
    const progress = createProgressReporter(out, () => 1000);
    progress.update({ phase: 'download', bytes: 1, totalBytes: 100 });
    progress.update({ phase: 'download', bytes: 2, totalBytes: 100 });
    progress.update({ phase: 'extract' });
    expect(out.text.match(/\r/g)).toHaveLength(2);
  });

  it('without a terminal writes plain lines: one per phase and per 10% of a known total', () => {
    const out = capture(false);
    const progress = createProgressReporter(out);
    progress.update({ phase: 'download', bytes: 0, totalBytes: 1000 });
    for (let bytes = 10; bytes <= 1000; bytes += 10)
      progress.update({ phase: 'download', bytes, totalBytes: 1000 });
    progress.update({ phase: 'verify' });
    progress.update({ phase: 'verify' });
    progress.finish();
    const lines = out.text.trimEnd().split('\n');
    expect(lines[0]).toBe('download   0% (0 B of 1000 B)');
    expect(lines).toContain('download  50% (500 B of 1000 B)');
    expect(lines.at(-2)).toBe('download 100% (1000 B of 1000 B)');
    expect(lines.at(-1)).toBe('verify');
    expect(lines).toHaveLength(12);
    expect(out.text).not.toMatch(/\r|\x1b/);
  });

  it('shows a running byte count when the total is unknown', () => {
    const out = capture(false);
    const progress = createProgressReporter(out);
    progress.update({ phase: 'download', bytes: 3 * 1024 * 1024 });
    expect(out.text).toBe('download 3.0 MiB\n');
  });
});
