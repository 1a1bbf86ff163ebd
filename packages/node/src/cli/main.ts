#!/usr/bin/env node
import { runCli } from './run-cli.js';

// The entry point of the `molecule-agent` bin. All logic lives in runCli so it stays testable.
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
// A user handler may leave sockets or timers open; do not hang after the command is done.
setTimeout(() => process.exit(code), 2000).unref();
