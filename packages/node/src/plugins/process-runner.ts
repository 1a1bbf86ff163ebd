import { type ChildProcess, spawn } from 'node:child_process';
import { AbortError, ConfigError } from '@molecule-ai/agent-core';
import type { ProcessRunner, RunResult } from '@molecule-ai/agent-core/ports';
import { LineSplitter } from './line-splitter.js';

/** Options of {@link createProcessRunner}. */
export interface ProcessRunnerOptions {
  /** After SIGTERM to the group, wait this long before SIGKILL. Default 2,000 ms. */
  killGraceMs?: number;
  /**
   * After the program exits, wait at most this long for its output pipes to close. Background
   * processes it started may hold them open; they are not waited for. Default 250 ms.
   */
  outputDrainMs?: number;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // A negative pid addresses the whole process group the detached child leads.
    process.kill(-child.pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * A {@link ProcessRunner} on `child_process.spawn`. The program runs `detached`, i.e. as the
 * leader of a new process group, with exactly the environment given and stdin closed. On timeout or
 * abort the whole group (the program and everything it started) gets SIGTERM, then SIGKILL after
 * `killGraceMs`. As soon as the program itself exits, whatever is left of its group (background
 * jobs, `nohup` ones included) gets SIGKILL at once, so nothing it started outlives the run; only
 * a process that left the group on purpose (`setsid`) escapes, which the sandbox option prevents.
 * Output is split into lines as it arrives.
 */
export function createProcessRunner(options: ProcessRunnerOptions = {}): ProcessRunner {
  const killGraceMs = options.killGraceMs ?? 2000;
  const outputDrainMs = options.outputDrainMs ?? 250;

  return {
    name: 'node',
    run({ argv, cwd, env, timeoutMs, signal, onOutput }): Promise<RunResult> {
      const program = argv[0];
      if (program === undefined) return Promise.reject(new ConfigError('ProcessRunner.run: argv is empty'));
      if (signal?.aborted)
        return Promise.reject(new AbortError('process run aborted before start', { cause: signal.reason }));
      const started = performance.now();

      return new Promise<RunResult>((resolvePromise, rejectPromise) => {
        let child: ChildProcess;
        try {
          child = spawn(program, argv.slice(1), {
            cwd,
            env: { ...env },
            detached: true,
            stdio: ['ignore', 'pipe', 'pipe'],
            windowsHide: true,
          });
        } catch (error) {
          rejectPromise(error);
          return;
        }

        let timedOut = false;
        let aborted = false;
        let killing = false;
        let settled = false;
        let graceTimer: NodeJS.Timeout | undefined;
        const splitters = {
          stdout: new LineSplitter((line) => onOutput?.('stdout', line)),
          stderr: new LineSplitter((line) => onOutput?.('stderr', line)),
        };
        child.stdout?.on('data', (chunk: Buffer) => splitters.stdout.push(chunk));
        child.stderr?.on('data', (chunk: Buffer) => splitters.stderr.push(chunk));

        const terminate = (): void => {
          if (killing) return;
          killing = true;
          killGroup(child, 'SIGTERM');
          graceTimer = setTimeout(() => killGroup(child, 'SIGKILL'), killGraceMs);
        };
        const timeoutTimer = setTimeout(() => {
          timedOut = true;
          terminate();
        }, timeoutMs);
        const onAbort = (): void => {
          aborted = true;
          terminate();
        };
        signal?.addEventListener('abort', onAbort, { once: true });

        const finish = (): void => {
          clearTimeout(timeoutTimer);
          clearTimeout(graceTimer);
          signal?.removeEventListener('abort', onAbort);
        };

        child.once('error', (error) => {
          if (settled) return;
          settled = true;
          finish();
          rejectPromise(error);
        });

        child.once('exit', (exitCode, exitSignal) => {
          // The program is done, and so is everything it started: a background job left behind
          // would keep running with the agent user's rights after the install returned. A group
          // being killed on timeout dies now too, not after the grace.
          killGroup(child, 'SIGKILL');
          const streams = [child.stdout, child.stderr].filter((s) => s !== null && !s.readableEnded);
          const closed = Promise.all(
            streams.map((s) => new Promise<void>((done) => s!.once('close', () => done()))),
          );
          let drainTimer: NodeJS.Timeout | undefined;
          const drained = new Promise<void>((done) => {
            drainTimer = setTimeout(done, outputDrainMs);
          });
          void Promise.race([closed, drained]).then(() => {
            clearTimeout(drainTimer);
            // Background processes may still hold the pipes: stop listening rather than wait for them.
            child.stdout?.destroy();
            child.stderr?.destroy();
            splitters.stdout.end();
            splitters.stderr.end();
            if (settled) return;
            settled = true;
            finish();
            const durationMs = performance.now() - started;
            if (aborted) {
              rejectPromise(
                new AbortError('process run aborted; its process group was killed', {
                  cause: signal?.reason,
                }),
              );
              return;
            }
            resolvePromise({ exitCode, signal: exitSignal, timedOut, durationMs });
          });
        });
      });
    },
  };
}
