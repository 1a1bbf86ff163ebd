import type { Ansi } from './ansi.js';
import { formatDuration } from './format.js';
import type { Step } from './step.js';

const TITLE_WIDTH = 38;

/** The mark of a finished step. */
export function statusMark(step: Step, ansi: Ansi): string {
  switch (step.status) {
    case 'ok':
      return ansi.green('✓');
    case 'skipped':
      return ansi.yellow('–');
    case 'failed':
      return ansi.red('✗');
    case 'stopped':
      return ansi.yellow('■');
    default:
      return ' ';
  }
}

/** `"  5. Install the plugin hello-tools     "`: number and title, padded so timings line up. */
export function stepHeading(step: Step): string {
  return `${String(step.index).padStart(2)}. ${step.title}`.padEnd(TITLE_WIDTH);
}

/** The lines a finished step leaves on screen: mark, title, time, summary, then its details. */
export function finishedStepLines(step: Step, ansi: Ansi): string[] {
  const time = step.status === 'skipped' ? 'skipped' : formatDuration(step.ms);
  const summary = step.status === 'failed' ? ansi.red(step.summary) : step.summary;
  const lines = [
    `${statusMark(step, ansi)} ${ansi.bold(stepHeading(step))} ${ansi.dim(time.padStart(8))}  ${summary}`,
  ];
  for (const detail of step.details) lines.push(`      ${ansi.dim('·')} ${detail}`);
  for (const line of step.output) lines.push(`      ${ansi.dim('│')} ${ansi.dim(line)}`);
  return lines;
}
