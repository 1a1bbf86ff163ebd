import type { Step } from './step.js';

/** The header shown before the first step. */
export interface DemoIntro {
  /** `simulator` or `platform` (a real one). */
  mode: 'simulator' | 'platform';
  /** `node` or `bun`. */
  runtime: string;
}

/** How the run ended. */
export interface DemoOutcome {
  status: 'ok' | 'failed' | 'stopped';
  ms: number;
  steps: readonly Step[];
  /** One line for people. */
  message: string;
  /** Extra machine-readable facts (e.g. the platform's request log). */
  data: Record<string, unknown>;
}

/** Something that shows the demo to a person or a program. */
export interface DemoView {
  intro(intro: DemoIntro): void;
  stepStarted(step: Step): void;
  /** The running step's progress, output or summary changed. */
  stepUpdated(step: Step): void;
  stepFinished(step: Step): void;
  finished(outcome: DemoOutcome): void;
  /** Restores the terminal (cursor); safe to call more than once. */
  close(): void;
}
