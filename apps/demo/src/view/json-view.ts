import type { DemoIntro, DemoOutcome, DemoView } from './demo-view.js';
import type { ViewOutput } from './output.js';
import type { Step } from './step.js';

/** The JSON line written for a finished step. */
export function stepJson(step: Step): Record<string, unknown> {
  return {
    type: 'step',
    index: step.index,
    id: step.id,
    title: step.title,
    status: step.status,
    ms: Math.round(step.ms),
    summary: step.summary,
    details: step.details,
    output: step.output,
    data: step.data,
  };
}

/** One JSON object per line: `start`, then a `step` per finished step, then `summary`. */
export function createJsonView(output: ViewOutput): DemoView {
  const line = (value: unknown): void => output.write(`${JSON.stringify(value)}\n`);
  return {
    intro(intro: DemoIntro) {
      line({ type: 'start', ...intro });
    },
    stepStarted() {},
    stepUpdated() {},
    stepFinished(step: Step) {
      line(stepJson(step));
    },
    finished(outcome: DemoOutcome) {
      line({
        type: 'summary',
        status: outcome.status,
        ms: Math.round(outcome.ms),
        message: outcome.message,
        steps: outcome.steps.map((s) => ({ id: s.id, status: s.status, ms: Math.round(s.ms) })),
        ...outcome.data,
      });
    },
    close() {},
  };
}
