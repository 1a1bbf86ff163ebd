/** Runs a plugin's `setup.sh`. The core chooses argv, cwd, environment and timeout; the runner executes. */
export interface ProcessRunner {
  readonly name: string;
  run(options: RunOptions): Promise<RunResult>;
}

export interface RunOptions {
  /** argv[0] is the program, looked up on PATH. No shell is involved. */
  argv: readonly string[];
  cwd: string;
  /** The complete environment of the child. Nothing is inherited that is not listed here. */
  env: Readonly<Record<string, string>>;
  /** After this many milliseconds the whole process group is killed. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with each complete line of output as it arrives. */
  onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
}

export interface RunResult {
  /** `null` when the process was killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
}
