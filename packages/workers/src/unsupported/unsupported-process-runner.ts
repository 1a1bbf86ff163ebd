import type { ProcessRunner } from '@molecule-ai/agent-core/ports';
import { processesUnsupported } from './unsupported-error.js';

/** The process runner of a Worker: `run` rejects with an `UnsupportedError` at once. */
export const unsupportedProcessRunner: ProcessRunner = {
  name: 'workers-unsupported',
  run: () => Promise.reject(processesUnsupported()),
};
