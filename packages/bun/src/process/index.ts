export { createProcessRunner, type ProcessRunnerOptions } from './process-runner.js';
