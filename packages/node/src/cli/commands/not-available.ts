import { UnsupportedError } from '@molecule-ai/agent-core';

/** The error of a command whose SDK piece has not landed in this build yet. */
export function notAvailableYet(command: string, missing: string): UnsupportedError {
  return new UnsupportedError(`'${command}' is not available yet in this build: it needs ${missing}`);
}
