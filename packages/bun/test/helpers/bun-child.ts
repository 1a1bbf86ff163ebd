import { fileURLToPath } from 'node:url';
import type { Subprocess } from 'bun';

/** What a finished child printed and how it ended. */
export interface ChildResult {
  exitCode: number | null;
  signalCode: string | null;
  stdout: string;
  stderr: string;
}

/** A running Bun child process. */
export interface BunChild {
  process: Subprocess<'ignore', 'pipe', 'pipe'>;
  /** Resolves with the first stdout line that satisfies `match`; rejects if the child exits first. */
  waitForLine(match: (line: string) => boolean): Promise<string>;
  done: Promise<ChildResult>;
}

/** The absolute path of a fixture script in `test/fixtures/`. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}.ts`, import.meta.url));
}

/**
 * Starts `bun test/fixtures/<name>.ts ...args` with `Bun.spawn`. The fixtures import the package's
 * TypeScript source directly, so the children run the current code in the real Bun runtime.
 */
export function startBunChild(name: string, args: string[]): BunChild {
  return startBunScript(fixturePath(name), args);
}

/** Starts `bun <script> ...args` (optionally with exactly the environment `env`). */
export function startBunScript(script: string, args: string[], env?: Record<string, string>): BunChild {
  const child = Bun.spawn([process.execPath, script, ...args], {
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    ...(env === undefined ? {} : { env }),
  });
  let stdout = '';
  const waiters: { match: (line: string) => boolean; resolve(line: string): void; reject(e: Error): void }[] =
    [];
  let pending = '';
  const decoder = new TextDecoder();
  const stdoutDone = (async () => {
    const reader = child.stdout.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      stdout += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        for (const waiter of waiters.splice(0)) {
          if (waiter.match(line)) waiter.resolve(line);
          else waiters.push(waiter);
        }
      }
    }
  })();
  const done = (async (): Promise<ChildResult> => {
    const [stderr] = await Promise.all([new Response(child.stderr).text(), stdoutDone, child.exited]);
    for (const waiter of waiters.splice(0)) {
      waiter.reject(
        new Error(`child exited (${child.exitCode ?? child.signalCode}) before the expected line: ${stderr}`),
      );
    }
    const signalCode = child.signalCode === null ? null : String(child.signalCode);
    return { exitCode: child.exitCode, signalCode, stdout, stderr };
  })();
  return {
    process: child,
    done,
    waitForLine(match) {
      const seen = stdout.split('\n').find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => waiters.push({ match, resolve, reject }));
    },
  };
}

/** A pid whose process has exited, so the OS reports it gone. */
export async function deadPid(): Promise<number> {
  const child = Bun.spawn([process.execPath, '-e', '0'], { stdout: 'ignore', stderr: 'ignore' });
  await child.exited;
  return child.pid;
}
