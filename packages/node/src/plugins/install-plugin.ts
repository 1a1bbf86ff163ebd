import {
  ConfigError,
  type InstallPluginOptions,
  type InstallPluginResult,
  installPlugin as installPluginWithPorts,
  type PluginSink,
  type ProcessRunner,
} from '@molecule-ai/agent-core';
import { createFsPluginSink } from './fs-plugin-sink.js';
import { createNodeGunzip } from './node-gunzip.js';
import { createNodeProcessRunner } from './node-process-runner.js';

/** Options of the Node {@link installPlugin}: core's, with the Node ports filled in. */
export interface NodeInstallPluginOptions extends Omit<InstallPluginOptions, 'sink' | 'runner'> {
  /**
   * Where plugins live: `<pluginsDir>/<name>`. The Python SDK's layout is
   * `~/.molecule/<workspaceId>/plugins`. Ignored when `sink` is given.
   */
  pluginsDir?: string;
  /** Default: `createFsPluginSink({ pluginsDir })`. */
  sink?: PluginSink;
  /** Default: `createNodeProcessRunner()`. */
  runner?: ProcessRunner;
}

/**
 * Downloads, verifies and installs a plugin on Node: core's `installPlugin` with the file-system
 * sink, the process-group runner, `node:zlib` gunzip and `process.env` as the host environment
 * that `setup.sh`'s allow-list is applied to. Everything can still be overridden.
 */
export function installPlugin(options: NodeInstallPluginOptions): Promise<InstallPluginResult> {
  const { pluginsDir, sink, runner, ...rest } = options;
  if (!sink && !pluginsDir)
    return Promise.reject(new ConfigError('installPlugin: pass pluginsDir (or a sink)'));
  return installPluginWithPorts({
    ...rest,
    sink: sink ?? createFsPluginSink({ pluginsDir: pluginsDir! }),
    runner: runner ?? createNodeProcessRunner(),
    decompress: rest.decompress ?? createNodeGunzip(),
    hostEnv: rest.hostEnv ?? process.env,
  });
}
