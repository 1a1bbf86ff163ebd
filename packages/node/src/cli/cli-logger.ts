import type { Logger, LogLevel } from '@molecule-ai/agent-core';
import type { CliOutput } from './cli-io.js';
import { terminalText } from './terminal-text.js';

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const SECRET_KEY = /token|authorization|secret|password|cookie/i;

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  if (value instanceof Error) return JSON.stringify(value.message);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The CLI's logger: `[molecule] message key=value` lines on stderr. Warnings and errors always,
 * info and debug with `--verbose`. Fields whose name looks like a credential are masked, as a
 * last line of defence (the SDK never logs tokens on purpose).
 */
export function createCliLogger(stderr: CliOutput, verbose: boolean): Logger {
  const threshold = verbose ? ORDER.debug : ORDER.warn;
  const at =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (ORDER[level] < threshold) return;
      const parts = Object.entries(fields ?? {})
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${SECRET_KEY.test(key) ? '[redacted]' : formatValue(value)}`);
      const tag = level === 'warn' || level === 'error' ? `${level}: ` : '';
      // Messages and fields may quote the platform, a peer or a plugin's setup.sh.
      const text = terminalText(`${message}${parts.length ? ` ${parts.join(' ')}` : ''}`).replace(/\n/g, ' ');
      stderr.write(`[molecule] ${tag}${text}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
