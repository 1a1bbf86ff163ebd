import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../fixtures/run-agent.mjs', import.meta.url));

/** test/fixtures/run-agent.mjs (runAgent from the built package) as a real child process. */
export interface AgentChild {
  child: ChildProcess;
  /** Parsed JSON lines of stdout so far. */
  events: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first event matching `predicate`. */
  waitForEvent(predicate: (event: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves once `text` has appeared on stderr. */
  waitForStderr(text: string): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startAgentChild(env: Record<string, string>): AgentChild {
  const child = spawn(process.execPath, [SCRIPT], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Record<string, unknown>[] = [];
  let stderr = '';
  let buffer = '';
  const checks: (() => void)[] = [];
  const recheck = (): void => {
    for (const check of [...checks]) check();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        events.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        events.push({ type: 'text', line });
      }
      newline = buffer.indexOf('\n');
    }
    recheck();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    recheck();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const safety = setTimeout(() => child.kill('SIGKILL'), 50_000);
  void exited.then(() => clearTimeout(safety));
  const waitFor = <T>(probe: () => T | undefined, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const value = probe();
        if (value === undefined) return;
        checks.splice(checks.indexOf(check), 1);
        resolve(value);
      };
      checks.push(check);
      check();
      void exited.then(() => {
        if (checks.includes(check))
          reject(
            new Error(`agent exited before ${what}; stderr: ${stderr}; events: ${JSON.stringify(events)}`),
          );
      });
    });
  return {
    child,
    events,
    stderr: () => stderr,
    waitForEvent: (predicate) => waitFor(() => events.find(predicate), 'the expected event'),
    waitForStderr: (text) =>
      waitFor(() => (stderr.includes(text) ? true : undefined), JSON.stringify(text)).then(() => {}),
    exited,
  };
}
