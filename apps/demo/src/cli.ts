import { isMoleculeError } from '@molecule-ai/agent-core';
import { parseDemoOptions, USAGE } from './options.js';
import { runDemo } from './run-demo.js';
import type { DemoView } from './view/demo-view.js';
import { createJsonView } from './view/json-view.js';
import { createPlainView } from './view/plain-view.js';
import { createTtyView } from './view/tty-view.js';

/** Exit codes of the demo. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

function pickView(json: boolean): DemoView {
  const stdout = {
    write: (text: string) => {
      process.stdout.write(text);
    },
    get columns() {
      return process.stdout.columns;
    },
  };
  if (json) return createJsonView(stdout);
  if (process.stdout.isTTY) return createTtyView(stdout, { color: !('NO_COLOR' in process.env) });
  return createPlainView(stdout);
}

/** Parses the options, runs the demo until it ends or `signal` aborts, and returns the exit code. */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  signal: AbortSignal,
): Promise<number> {
  let options: ReturnType<typeof parseDemoOptions>;
  try {
    options = parseDemoOptions(argv, env);
  } catch (error) {
    process.stderr.write(`demo: ${isMoleculeError(error) ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const view = pickView(options.json);
  try {
    const outcome = options.durable
      ? await (await import('./worker/run-durable-demo.js')).runDurableDemo(options, view, signal)
      : options.worker
        ? await (await import('./worker/run-worker-demo.js')).runWorkerDemo(options, view, signal)
        : await runDemo(options, view, signal);
    view.finished(outcome);
    if (outcome.status === 'failed' && typeof outcome.data.stack === 'string' && !options.json) {
      process.stderr.write(`${outcome.data.stack}\n`);
    }
    return outcome.status === 'ok' ? EXIT.ok : outcome.status === 'stopped' ? EXIT.interrupted : EXIT.failed;
  } finally {
    view.close();
  }
}
