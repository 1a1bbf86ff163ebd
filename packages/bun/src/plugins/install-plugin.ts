import {
  ConfigError,
  type InstallPluginOptions,
  type InstallPluginResult,
  installPlugin as installPluginWithPorts,
  type PluginSink,
  type ProcessRunner,
} from '@molecule-ai/agent-core';
import { createFsPluginSink } from '@molecule-ai/agent-node';
import { createBunProcessRunner } from '../process/bun-process-runner.js';

/**
 * Options of the Bun {@link installPlugin}: the core's, where the sink, the runner and the host
 * environment have Bun defaults. Give `pluginsDir` (or your own `sink`).
 */
export interface BunInstallPluginOptions extends Omit<InstallPluginOptions, 'sink' | 'runner'> {
  /** Where plugins are installed (`<pluginsDir>/<name>`). Used when `sink` is not given. */
  pluginsDir?: string;
  /** Default: `createFsPluginSink({ pluginsDir })`. */
  sink?: PluginSink;
  /** Default: `createBunProcessRunner()`. */
  runner?: ProcessRunner;
}

/**
 * The core's `installPlugin` with Bun defaults: downloads the plugin from the platform as a
 * stream, checks every archive entry against the core's safety policy and byte caps, stages it
 * under `pluginsDir`, verifies the manifest hash, swaps it in atomically, runs its `setup.sh` with
 * `Bun.spawn` (own process group, killed whole at the timeout, an allow-listed environment built
 * by the core from `process.env`: never the workspace token) and reports the install.
 *
 * @example
 * const result = await installPlugin({ client, name: 'my-plugin', pluginsDir: './plugins' });
 * console.log(result.path);
 */
export function installPlugin(options: BunInstallPluginOptions): Promise<InstallPluginResult> {
  const { pluginsDir, sink, runner, ...rest } = options;
  if (sink === undefined && pluginsDir === undefined) {
    return Promise.reject(new ConfigError('installPlugin needs `pluginsDir` (or a `sink`)'));
  }
  return installPluginWithPorts({
    ...rest,
    sink: sink ?? createFsPluginSink({ pluginsDir: pluginsDir! }),
    runner: runner ?? createBunProcessRunner(),
    hostEnv: options.hostEnv ?? process.env,
  });
}
