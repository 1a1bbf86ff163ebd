import { createAnsi } from './ansi.js';
import type { DemoIntro, DemoOutcome, DemoView } from './demo-view.js';
import { formatDuration } from './format.js';
import type { ViewOutput } from './output.js';
import type { Step } from './step.js';
import { finishedStepLines } from './step-lines.js';

/** Plain lines, no escape codes: one block per finished step. For logs, pipes and CI. */
export function createPlainView(output: ViewOutput): DemoView {
  const ansi = createAnsi(false);
  return {
    intro(intro: DemoIntro) {
      const where = intro.mode === 'simulator' ? 'an embedded platform simulator' : 'a real platform';
      output.write(`Molecule remote-agent demo: a ${intro.runtime} agent against ${where}\n`);
    },
    stepStarted() {},
    stepUpdated() {},
    stepFinished(step: Step) {
      output.write(`${finishedStepLines(step, ansi).join('\n')}\n`);
    },
    finished(outcome: DemoOutcome) {
      output.write(`${outcome.message} (${formatDuration(outcome.ms)})\n`);
    },
    close() {},
  };
}
