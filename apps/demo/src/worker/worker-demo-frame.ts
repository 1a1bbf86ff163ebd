import { writeFile } from 'node:fs/promises';
import type { PlatformSim } from '@molecule-ai/platform-sim';
import { Cleanup } from '../cleanup.js';
import type { DemoOptions } from '../options.js';
import { type StepOutcome, StepRunner } from '../step-runner.js';
import type { DemoOutcome, DemoView } from '../view/demo-view.js';
import { captureConsole } from './capture-console.js';
import { withoutForeignSignalHandlers } from './own-signals.js';

/** What both Workers examples have once started: the simulator, its listener and Miniflare. */
export interface StartedWorkerExample {
  sim: PlatformSim;
  platform: { url: string };
  mf: { ready: Promise<URL> };
  close(): Promise<void>;
}

/** One Workers demo: which example it starts, and its steps after the first. */
export interface WorkerDemo<Running extends StartedWorkerExample> {
  /** The runtime the intro names. */
  runtime: string;
  /** Loads the example's launcher (a function that starts it). */
  load(): Promise<() => Promise<Running>>;
  /** The first step's report, once the simulator and Miniflare run. */
  started(running: Running, origin: string): StepOutcome;
  /** The steps after the first. */
  run(runner: StepRunner, running: Running): Promise<void>;
  /** The closing line of a run that went through. */
  completed: string;
}

function requestsOf(sim: PlatformSim): { seq: number; method: string; path: string; status: number }[] {
  return sim.requests.map((r) => ({ seq: r.seq, method: r.method, path: r.path, status: r.status }));
}

/**
 * Runs a Workers demo: starts its example in Miniflare against the embedded simulator as the
 * first step, shows the worker's console lines under the step that caused them, runs the demo's
 * steps, and reports every request the simulator saw (also to `--record`). Never throws.
 */
export async function runWorkerExampleDemo<Running extends StartedWorkerExample>(
  options: DemoOptions,
  view: DemoView,
  signal: AbortSignal,
  demo: WorkerDemo<Running>,
): Promise<DemoOutcome> {
  const started = Date.now();
  const runner = new StepRunner(view, signal);
  const cleanup = new Cleanup();
  const data: Record<string, unknown> = {};
  let status: DemoOutcome['status'] = 'ok';
  let message = '';
  let example: Running | null = null;
  // Miniflare prints the worker's console.log lines; they go under the step that caused them.
  const restoreConsole = captureConsole((stream, line) =>
    runner.output(stream === 'stderr' ? `! ${line}` : line),
  );
  cleanup.add('restore the console', async () => restoreConsole());

  try {
    view.intro({ mode: 'simulator', runtime: demo.runtime });
    const startExample = await withoutForeignSignalHandlers(demo.load);
    await runner.run('platform', 'Start the simulator and the Worker', async () => {
      const running = await withoutForeignSignalHandlers(startExample);
      example = running;
      cleanup.add('stop Miniflare and the simulator', () => running.close());
      return demo.started(running, (await running.mf.ready).origin);
    });
    await demo.run(runner, example as unknown as Running);
    message = `${demo.completed}: ${runner.steps.length} steps`;
  } catch (error) {
    ({ status, message } = runner.endedBy(error));
  }
  const running = example as Running | null;
  if (running) {
    data.platformUrl = running.platform.url;
    data.requests = requestsOf(running.sim);
    if (options.recordFile) {
      await writeFile(options.recordFile, `${JSON.stringify(running.sim.requests, null, 2)}\n`, {
        mode: 0o600,
      });
      data.recordFile = options.recordFile;
    }
  }
  const failures = await cleanup.runAll(10_000);
  if (failures.length > 0) data.cleanupFailures = failures;
  return { status, ms: Date.now() - started, steps: runner.steps, message, data };
}
