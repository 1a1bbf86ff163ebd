import { UnsupportedError } from '@molecule-ai/agent-core';

/** Why plugins cannot be installed in a Worker, in words a user can act on. */
export const PLUGINS_UNSUPPORTED_MESSAGE: string =
  'Installing plugins is not supported on Cloudflare Workers: a Worker has no file system to unpack ' +
  'a plugin into and cannot run its setup.sh. Install plugins from a Node or Bun agent instead.';

/** Why processes cannot be started in a Worker. */
export const PROCESSES_UNSUPPORTED_MESSAGE: string =
  'Running processes (a plugin setup.sh) is not supported on Cloudflare Workers: a Worker cannot ' +
  'start child processes. Run plugin setup from a Node or Bun agent instead.';

/** The typed error every unsupported operation of this package rejects with. */
export function pluginsUnsupported(): UnsupportedError {
  return new UnsupportedError(PLUGINS_UNSUPPORTED_MESSAGE);
}

/** The typed error the unsupported process runner rejects with. */
export function processesUnsupported(): UnsupportedError {
  return new UnsupportedError(PROCESSES_UNSUPPORTED_MESSAGE);
}
