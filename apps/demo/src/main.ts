#!/usr/bin/env node
/**
 * `pnpm demo`: a Molecule remote agent's whole life in a few seconds, against an embedded
 * platform simulator (default) or a real platform (MOLECULE_PLATFORM_URL, MOLECULE_WORKSPACE_ID).
 *
 * This file only takes over Ctrl-C before anything else loads, so that even an early Ctrl-C ends
 * with a clean "stopped" instead of a default signal death; the demo itself is in cli.ts.
 */
const INTERRUPTED = 130;
const SHOW_CURSOR = '\x1b[?25h';

const controller = new AbortController();
function onSignal(): void {
  if (controller.signal.aborted) {
    // A second Ctrl-C while cleaning up: leave now.
    if (process.stdout.isTTY) process.stdout.write(SHOW_CURSOR);
    process.exit(INTERRUPTED);
  }
  controller.abort();
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

function finish(code: number): void {
  process.exitCode = code;
  // Everything was stopped and closed, so the process ends by itself once stdout is flushed;
  // should anything linger (an idle keep-alive socket), do not wait for it.
  setTimeout(() => process.exit(code), 2_000).unref();
}

try {
  const { runCli } = await import('./cli.js');
  finish(await runCli(process.argv.slice(2), process.env, controller.signal));
} catch (error) {
  if (controller.signal.aborted) {
    process.stdout.write('stopped\n');
    finish(INTERRUPTED);
  } else {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    finish(1);
  }
}
