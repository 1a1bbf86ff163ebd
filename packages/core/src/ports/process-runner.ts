/**
 * Runs a plugin's `setup.sh`. The core chooses argv, cwd, environment and timeout; the runner executes.
 * Contract suite: `testProcessRunner` from `@molecule-ai/agent-core/testing`.
 */
export interface ProcessRunner {
  readonly name: string;
  /**
   * Starts the program in a new process group and resolves once it has exited. Whatever it left
   * running in its group is killed when it exits (never waited for, nor its output), so nothing
   * it started outlives the run. Rejects when the program cannot be started, and with an
   * `AbortError` when `signal` aborts (after killing the group).
   */
  run(options: RunOptions): Promise<RunResult>;
}

export interface RunOptions {
  /** argv[0] is the program, looked up on the PATH of `env`. No shell is involved. */
  argv: readonly string[];
  cwd: string;
  /** The complete environment of the child. Nothing is inherited that is not listed here. */
  env: Readonly<Record<string, string>>;
  /**
   * After this many milliseconds the whole process group (the program and everything it started)
   * is sent SIGTERM, then SIGKILL shortly after.
   */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Called with each complete line of output (without the line break) as it arrives; a last unterminated line is flushed at exit. */
  onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
}

export interface RunResult {
  /** `null` when the process was killed by a signal. */
  exitCode: number | null;
  /** The signal that ended the process (e.g. `SIGKILL`), else `null`. */
  signal: string | null;
  /** True when the timeout fired and the group was killed. */
  timedOut: boolean;
  durationMs: number;
}
