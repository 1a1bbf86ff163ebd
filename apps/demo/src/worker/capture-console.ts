import { format } from 'node:util';

const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Routes `console.log/info/warn/error` to `onLine`, one call per line, until the returned
 * function is called. Miniflare prints the worker's own console output with `console.log`; the
 * demo shows it under the step that caused it instead of letting it tear through the view.
 */
export function captureConsole(onLine: (stream: 'stdout' | 'stderr', line: string) => void): () => void {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  const to =
    (stream: 'stdout' | 'stderr') =>
    (...args: unknown[]): void => {
      for (const line of format(...args)
        .replace(ANSI, '')
        .split('\n')) {
        if (line.trim() !== '') onLine(stream, line);
      }
    };
  console.log = to('stdout');
  console.info = to('stdout');
  console.warn = to('stderr');
  console.error = to('stderr');
  return () => {
    Object.assign(console, saved);
  };
}
