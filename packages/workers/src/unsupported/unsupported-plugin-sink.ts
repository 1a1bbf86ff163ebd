import type { PluginSink } from '@molecule-ai/agent-core/ports';
import { pluginsUnsupported } from './unsupported-error.js';

/**
 * The plugin sink of a Worker: there is nowhere to write a plugin, so the first thing the core's
 * install pipeline asks of it (the lock) rejects with an `UnsupportedError`, before any download.
 */
export const unsupportedPluginSink: PluginSink = {
  name: 'workers-unsupported',
  lock: () => Promise.reject(pluginsUnsupported()),
  cleanup: () => Promise.reject(pluginsUnsupported()),
  beginStaging: () => Promise.reject(pluginsUnsupported()),
  installedPath: () => Promise.reject(pluginsUnsupported()),
};
