import { AbortError, ConfigError } from '@molecule-ai/agent-core';
import type { ProcessRunner, RunOptions, RunResult } from '@molecule-ai/agent-core/ports';
import type { Subprocess } from 'bun';
import { requireBun } from '../require-bun.js';
import { createLineSplitter } from './line-splitter.js';

/** Options of {@link createProcessRunner}. */
export interface ProcessRunnerOptions {
  /**
   * After the timeout (or an abort) the process group gets SIGTERM; members still running this
   * many milliseconds later get SIGKILL. Default 2,000.
   */
  killGraceMs?: number;
  /**
   * After the program exits, its output is read until the pipes close or stay quiet this long
   * (background processes it started may hold them open forever). Default 100.
   */
  drainQuietMs?: number;
  /** Longest line passed to `onOutput`; longer ones arrive in pieces. Default 65,536 characters. */
  maxLineLength?: number;
}

type Stream = 'stdout' | 'stderr';

/** Sends `signal` to every process of the group led by `pid`. The group may already be gone. */
function killGroup(pid: number, signal: 'SIGTERM' | 'SIGKILL'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nobody left in the group.
  }
}

type Chunk = { done: true; value?: undefined } | { done: false; value: Uint8Array };

/** The read's result, or `null` if nothing arrives within `ms`. */
async function within(read: Promise<Chunk>, ms: number): Promise<Chunk | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      read,
      new Promise<null>((resolve) => (timer = setTimeout(resolve, ms, null))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Feeds `stream` to `push` until it ends. Once the program has `exited`, it only takes what is
 * already buffered: a pipe quiet for `quietMs` is let go, since a background process the program
 * started may hold it open forever.
 */
async function pump(
  stream: ReadableStream<Uint8Array>,
  push: (chunk: Uint8Array) => void,
  exited: Promise<void>,
  quietMs: number,
): Promise<void> {
  const reader = stream.getReader();
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  try {
    for (;;) {
      const read = reader.read() as Promise<Chunk>;
      let result: Chunk | null;
      if (hasExited) {
        result = await within(read, quietMs);
      } else {
        result = await Promise.race([read, exited.then(() => null)]);
        if (result === null) result = await within(read, quietMs);
      }
      if (result === null || result.done) break;
      push(result.value);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/**
 * A {@link ProcessRunner} on `Bun.spawn`: the program starts in its own session and process group
 * (`detached`, which is `setsid()` on POSIX), with exactly the environment it is given (the core
 * decides it; `argv[0]` is looked up on that environment's `PATH`), no shell and no stdin.
 * Output is split into lines as it arrives.
 *
 * On timeout or abort the whole group (the program and everything it started) gets SIGTERM, and
 * SIGKILL after `killGraceMs`. When the program exits, whatever is left of its group (background
 * jobs, `nohup` ones included) gets SIGKILL at once, so nothing it started outlives the run.
 * `run` resolves when the program has exited, without waiting for those processes; it rejects
 * with `ConfigError` when the program cannot be started and with `AbortError` after an abort.
 *
 * @example
 * const runner = createProcessRunner();
 * await installPlugin({ client, name: 'my-plugin', sink: createFsPluginSink(dir), runner });
 */
export function createProcessRunner(options: ProcessRunnerOptions = {}): ProcessRunner {
  const killGraceMs = options.killGraceMs ?? 2_000;
  const drainQuietMs = options.drainQuietMs ?? 100;
  const maxLineLength = options.maxLineLength ?? 65_536;

  async function run(runOptions: RunOptions): Promise<RunResult> {
    const { argv, cwd, env, timeoutMs, signal, onOutput } = runOptions;
    requireBun('createProcessRunner');
    if (argv.length === 0) throw new ConfigError('cannot run an empty argv');
    if (signal?.aborted) throw new AbortError('run aborted before it started', { cause: signal.reason });
    const started = performance.now();
    let child: Subprocess<'ignore', 'pipe', 'pipe'>;
    try {
      child = Bun.spawn([...argv], {
        cwd,
        env: { ...env },
        detached: true,
        stdin: 'ignore',
        stdout: 'pipe',
        stderr: 'pipe',
      });
    } catch (error) {
      throw new ConfigError(`cannot start ${argv[0]}`, { cause: error });
    }
    const pid = child.pid;

    let timedOut = false;
    let killing = false;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const startKilling = (): void => {
      if (killing) return;
      killing = true;
      killGroup(pid, 'SIGTERM');
      graceTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), killGraceMs);
    };
    const timeoutTimer = setTimeout(
      () => {
        timedOut = true;
        startKilling();
      },
      Math.max(0, timeoutMs),
    );
    const onAbort = (): void => startKilling();
    signal?.addEventListener('abort', onAbort, { once: true });

    const exited = child.exited.then(() => {});
    const splitters = {
      stdout: createLineSplitter((line) => onOutput?.('stdout', line), maxLineLength),
      stderr: createLineSplitter((line) => onOutput?.('stderr', line), maxLineLength),
    } satisfies Record<Stream, unknown>;
    const pumps = (['stdout', 'stderr'] as const).map((stream) =>
      pump(child[stream], (chunk) => splitters[stream].push(chunk), exited, drainQuietMs).finally(() =>
        splitters[stream].flush(),
      ),
    );

    try {
      await exited;
    } finally {
      clearTimeout(timeoutTimer);
      signal?.removeEventListener('abort', onAbort);
      // The program is done, and so is everything it started: a background job left behind would
      // keep running with the agent user's rights after the install returned. A group being
      // killed on timeout (its members already had their SIGTERM) dies now, not after the grace.
      clearTimeout(graceTimer);
      killGroup(pid, 'SIGKILL');
      await Promise.all(pumps);
    }
    const durationMs = performance.now() - started;
    if (signal?.aborted) {
      throw new AbortError(`${argv[0]} was stopped by an abort`, { cause: signal.reason });
    }
    const signalCode = child.signalCode === null ? null : String(child.signalCode);
    return {
      exitCode: signalCode === null ? child.exitCode : null,
      signal: signalCode,
      timedOut,
      durationMs,
    };
  }

  return { name: 'bun-spawn', run };
}
