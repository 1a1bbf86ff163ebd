import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built demo, exactly what `pnpm demo` runs. */
export const DEMO_MAIN: string = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** The Bun binary the bun package installs (what `pnpm demo:bun` runs). */
export const BUN_BIN: string = fileURLToPath(
  new URL('../../../packages/bun/node_modules/.bin/bun', import.meta.url),
);

/** Fails early with a clear message when the demo has not been built. */
export function requireBuiltDemo(): void {
  if (!existsSync(DEMO_MAIN)) {
    throw new Error(`${DEMO_MAIN} is missing: run 'pnpm --filter @molecule-ai/demo build' first`);
  }
}

/** What a finished demo run produced. */
export interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runDemoProcess}. */
export interface DemoRunOptions {
  /** The child's environment besides PATH (nothing else is inherited, so no stray MOLECULE_* leaks in). */
  env?: Record<string, string>;
  /** Kill the child if it runs longer than this (a safety net, not an assertion). Default 60 s. */
  timeoutMs?: number;
  /** Run under Bun instead of Node. */
  bun?: boolean;
  /** Called with each complete stdout line as it arrives. */
  onLine?: (line: string, child: ChildProcess) => void;
}

/** Runs `node dist/main.js ...args` as a real child process and collects its output. */
export function runDemoProcess(args: readonly string[], options: DemoRunOptions = {}): Promise<DemoRun> {
  const child = spawn(options.bun ? BUN_BIN : process.execPath, [DEMO_MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      options.onLine?.(pending.slice(0, newline), child);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The JSON objects of a `--json` run, one per line. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
