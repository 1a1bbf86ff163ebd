import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built CLI, exactly what the `molecule-agent` bin runs. */
export const CLI_PATH: string = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Fails early with a clear message when the package has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI_PATH)) {
    throw new Error(`${CLI_PATH} is missing: run 'pnpm --filter @molecule-ai/agent-node build' first`);
  }
}

/** What a finished CLI run produced. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCliProcess}. */
export interface CliRunOptions {
  /** The child's whole environment besides PATH (nothing is inherited, so no stray MOLECULE_* leaks in). */
  env?: Record<string, string>;
  cwd?: string;
  /** Kill the child if it runs longer than this (a safety net, not an assertion). Default 30 s. */
  timeoutMs?: number;
  /** Called once the child has started, e.g. to signal it later. */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}

/** Runs `node dist/cli/main.js ...args` as a real child process and collects its output. */
export function runCliProcess(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Resolves once `text` has appeared on the child's stdout or stderr. */
export function waitForOutput(
  child: import('node:child_process').ChildProcess,
  text: string | RegExp,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const check = (chunk: Buffer | string): void => {
      seen += chunk.toString();
      if (typeof text === 'string' ? seen.includes(text) : text.test(seen)) {
        child.stdout?.off('data', check);
        child.stderr?.off('data', check);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('close', () =>
      reject(new Error(`child exited before printing ${String(text)}; saw: ${seen}`)),
    );
  });
}
