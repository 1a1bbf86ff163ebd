import { AbortError } from '@molecule-ai/agent-core';
import type { DemoView } from './view/demo-view.js';
import type { Step, StepProgress } from './view/step.js';

/** What a running step can tell the view. */
export interface StepControl {
  /** Aborts on Ctrl-C. */
  readonly signal: AbortSignal;
  /** The one-line status shown next to the spinner. */
  status(text: string): void;
  progress(progress: StepProgress | null): void;
  /** A line printed by something the step runs (e.g. a plugin's setup.sh). */
  output(line: string): void;
}

/** What a step reports when it is done. */
export interface StepOutcome {
  summary: string;
  details?: string[];
  data?: Record<string, unknown>;
}

/** Output lines kept per step (a chatty setup.sh must not flood the screen or the JSON). */
const MAX_OUTPUT_LINES = 40;

/** A one-line, stack-free description of an error, for the terminal. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n', 1)[0] ?? '').trim() || 'unknown error';
}

/**
 * Runs the demo's steps one after another, timing each and reporting it to the view. A step
 * that throws is marked `failed` (or `stopped` when Ctrl-C caused it) and the error is rethrown
 * for the caller to end the run.
 */
export class StepRunner {
  readonly steps: Step[] = [];

  constructor(
    private readonly view: DemoView,
    private readonly signal: AbortSignal,
    private readonly now: () => number = Date.now,
  ) {}

  /** The step running right now, if any. */
  get current(): Step | undefined {
    const last = this.steps.at(-1);
    return last?.status === 'running' ? last : undefined;
  }

  /**
   * How a run that threw `error` ended: `stopped` when Ctrl-C caused it, else `failed` with the
   * failed step (if one failed) and a one-line reason.
   */
  endedBy(error: unknown): { status: 'failed' | 'stopped'; message: string } {
    if (this.signal.aborted) return { status: 'stopped', message: 'stopped' };
    const failed = this.steps.find((s) => s.status === 'failed');
    return {
      status: 'failed',
      message: failed
        ? `failed at step ${failed.index} (${failed.title}): ${describeError(error)}`
        : `failed: ${describeError(error)}`,
    };
  }

  async run(id: string, title: string, body: (control: StepControl) => Promise<StepOutcome>): Promise<void> {
    if (this.signal.aborted) throw new AbortError('stopped');
    const step = this.begin(id, title);
    const control: StepControl = {
      signal: this.signal,
      status: (text) => {
        step.summary = text;
        this.view.stepUpdated(step);
      },
      progress: (progress) => {
        step.progress = progress;
        this.view.stepUpdated(step);
      },
      output: (line) => {
        step.output.push(line);
        if (step.output.length > MAX_OUTPUT_LINES)
          step.output.splice(0, step.output.length - MAX_OUTPUT_LINES);
        this.view.stepUpdated(step);
      },
    };
    try {
      const outcome = await body(control);
      this.end(step, 'ok', outcome);
    } catch (error) {
      if (this.signal.aborted) this.end(step, 'stopped', { summary: 'stopped' });
      else this.end(step, 'failed', { summary: describeError(error) });
      throw error;
    }
  }

  /**
   * A line printed by something running in the background of the steps (e.g. a worker's console):
   * shown under the running step, or under the next one when none runs.
   */
  output(line: string): void {
    const step = this.current;
    if (step) this.addOutput(step, line);
    else this.pendingOutput.push(line);
  }

  /** Records a step that does not apply here, with the reason. */
  skip(id: string, title: string, why: string, details: string[] = []): void {
    const step = this.begin(id, title);
    this.end(step, 'skipped', { summary: why, details });
  }

  private readonly pendingOutput: string[] = [];

  private addOutput(step: Step, line: string): void {
    step.output.push(line);
    if (step.output.length > MAX_OUTPUT_LINES) step.output.splice(0, step.output.length - MAX_OUTPUT_LINES);
    this.view.stepUpdated(step);
  }

  private begin(id: string, title: string): Step {
    const step: Step = {
      id,
      index: this.steps.length + 1,
      title,
      status: 'running',
      startedAt: this.now(),
      ms: 0,
      summary: '',
      details: [],
      output: this.pendingOutput.splice(0),
      progress: null,
      data: {},
    };
    this.steps.push(step);
    this.view.stepStarted(step);
    return step;
  }

  private end(step: Step, status: Step['status'], outcome: StepOutcome): void {
    step.status = status;
    step.ms = this.now() - step.startedAt;
    step.summary = outcome.summary;
    step.details = outcome.details ?? [];
    step.data = outcome.data ?? {};
    step.progress = null;
    this.view.stepFinished(step);
  }
}
