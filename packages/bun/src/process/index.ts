export { type BunProcessRunnerOptions, createBunProcessRunner } from './bun-process-runner.js';
