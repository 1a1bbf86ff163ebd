import { type Ansi, createAnsi, eraseLinesAbove, HIDE_CURSOR, SHOW_CURSOR } from './ansi.js';
import type { DemoIntro, DemoOutcome, DemoView } from './demo-view.js';
import { formatDuration, progressBar } from './format.js';
import type { ViewOutput } from './output.js';
import type { Step } from './step.js';
import { finishedStepLines, stepHeading } from './step-lines.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;
/** Output lines of a running step kept on screen. */
const LIVE_OUTPUT_LINES = 5;

/** Options of {@link createTtyView}. */
export interface TtyViewOptions {
  color: boolean;
  /** Epoch ms now (for the running step's elapsed time). */
  now?: () => number;
}

/**
 * The live terminal view: finished steps stay on screen as they were printed; the running step
 * (spinner, elapsed time, progress bar, the last lines of its output) is redrawn in place.
 */
export function createTtyView(output: ViewOutput, options: TtyViewOptions): DemoView {
  const ansi: Ansi = createAnsi(options.color);
  const now = options.now ?? Date.now;
  let running: Step | null = null;
  let liveLines = 0;
  let frame = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  const width = (): number => Math.max(20, (output.columns ?? 80) - 1);

  function liveView(step: Step): string[] {
    const spinner = ansi.cyan(SPINNER[frame % SPINNER.length]!);
    const elapsed = formatDuration(now() - step.startedAt);
    const lines = [
      `${spinner} ${ansi.bold(stepHeading(step))} ${ansi.dim(elapsed.padStart(8))}  ${step.summary}`,
    ];
    if (step.progress) {
      const { label, fraction, text } = step.progress;
      const bar =
        fraction === null
          ? ''
          : `${ansi.cyan(progressBar(fraction, 24))} ${String(Math.round(fraction * 100)).padStart(3)}%  `;
      lines.push(`      ${label.padEnd(11)} ${bar}${ansi.dim(text)}`);
    }
    for (const line of step.output.slice(-LIVE_OUTPUT_LINES))
      lines.push(`      ${ansi.dim('│')} ${ansi.dim(line)}`);
    // Lines must not wrap, or the redraw would erase too few of them.
    return lines.map((line) => fitLine(line, width()));
  }

  function redraw(): void {
    if (closed || !running) return;
    const lines = liveView(running);
    output.write(eraseLinesAbove(liveLines) + lines.join('\n') + '\n');
    liveLines = lines.length;
  }

  function clearLive(): void {
    if (liveLines > 0) output.write(eraseLinesAbove(liveLines));
    liveLines = 0;
  }

  function stopTimer(): void {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  }

  return {
    intro(intro: DemoIntro) {
      output.write(HIDE_CURSOR);
      const where = intro.mode === 'simulator' ? 'an embedded platform simulator' : 'a real platform';
      output.write(
        `${ansi.bold('Molecule remote-agent demo')}  ${ansi.dim(`a ${intro.runtime} agent against ${where}`)}\n\n`,
      );
    },
    stepStarted(step: Step) {
      running = step;
      redraw();
      timer ??= setInterval(() => {
        frame++;
        redraw();
      }, FRAME_MS);
      // The spinner alone must not keep the process alive.
      timer.unref?.();
    },
    stepUpdated(step: Step) {
      if (step === running) redraw();
    },
    stepFinished(step: Step) {
      if (closed) return;
      if (step === running) {
        clearLive();
        running = null;
        stopTimer();
      }
      output.write(`${finishedStepLines(step, ansi).join('\n')}\n`);
    },
    finished(outcome: DemoOutcome) {
      if (closed) return;
      clearLive();
      const mark =
        outcome.status === 'ok'
          ? ansi.green('✓')
          : outcome.status === 'stopped'
            ? ansi.yellow('■')
            : ansi.red('✗');
      output.write(
        `\n${mark} ${ansi.bold(outcome.message)} ${ansi.dim(`(${formatDuration(outcome.ms)})`)}\n`,
      );
    },
    close() {
      if (closed) return;
      stopTimer();
      clearLive();
      closed = true;
      output.write(SHOW_CURSOR);
    },
  };
}

/** Cuts a line with ANSI codes to `width` visible characters, keeping the codes. */
function fitLine(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const end = line.indexOf('m', i);
      if (end > 0) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= width) return `${out}\x1b[0m`;
    out += line[i];
    visible++;
  }
  return out;
}
