/** Where a step is. `stopped`: Ctrl-C arrived while it ran. */
export type StepStatus = 'running' | 'ok' | 'skipped' | 'failed' | 'stopped';

/** A progress bar: `fraction` from 0 to 1, or `null` when the total is unknown. */
export interface StepProgress {
  label: string;
  fraction: number | null;
  /** e.g. "182 KB / 240 KB". */
  text: string;
}

/** One step of the demo as the views see it. */
export interface Step {
  /** Stable machine name, e.g. `register`. */
  readonly id: string;
  /** 1-based position. */
  readonly index: number;
  readonly title: string;
  status: StepStatus;
  /** Epoch ms when it started. */
  readonly startedAt: number;
  /** Duration once finished; elapsed so far while running. */
  ms: number;
  /** One line: what happened. */
  summary: string;
  /** More lines shown under the step. */
  details: string[];
  /** Lines a child process printed (a plugin's setup.sh). */
  output: string[];
  progress: StepProgress | null;
  /** Machine-readable facts for `--json`. */
  data: Record<string, unknown>;
}
