import {
  ConfigError,
  type InstallPluginOptions,
  type InstallPluginResult,
  installPlugin as installPluginWithPorts,
  type PluginInstallClient,
  type PluginSink,
  type ProcessRunner,
} from '@molecule-ai/agent-core';
import { createFsPluginSink, defaultPluginsDirectory } from '@molecule-ai/agent-node';
import { createBunProcessRunner } from '../process/bun-process-runner.js';

/**
 * Options of the Bun {@link installPlugin}: the core's, where the sink, the runner and the host
 * environment have Bun defaults.
 */
export interface BunInstallPluginOptions extends Omit<InstallPluginOptions, 'sink' | 'runner' | 'client'> {
  /** The agent client (`createAgentClient`); its `workspaceId` names the default `pluginsDir`. */
  client: PluginInstallClient & { readonly workspaceId?: string | undefined };
  /**
   * Where plugins are installed (`<pluginsDir>/<name>`). Default `~/.molecule/<workspaceId>/plugins`,
   * the Python SDK's layout. Used when `sink` is not given.
   */
  pluginsDir?: string;
  /** Default: `createFsPluginSink({ pluginsDir })`. */
  sink?: PluginSink;
  /** Default: `createBunProcessRunner()`. */
  runner?: ProcessRunner;
}

function setupEnvFromVariable(value: string | undefined): string[] | undefined {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return entries.length > 0 ? entries : undefined;
}

function defaultPluginsDirectoryOf(client: BunInstallPluginOptions['client']): string {
  if (typeof client.workspaceId !== 'string') {
    throw new ConfigError(
      'installPlugin: pass pluginsDir (or a sink); this client has no workspaceId to name the default',
    );
  }
  return defaultPluginsDirectory(client.workspaceId);
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
  let target: PluginSink;
  try {
    target = sink ?? createFsPluginSink({ pluginsDir: pluginsDir ?? defaultPluginsDirectoryOf(rest.client) });
  } catch (error) {
    return Promise.reject(error);
  }
  return installPluginWithPorts({
    ...rest,
    sink: target,
    runner: runner ?? createBunProcessRunner(),
    hostEnv: options.hostEnv ?? process.env,
    // MOLECULE_SETUP_ENV: the same comma-separated NAME[=VALUE] list as the CLI's --setup-env.
    setupEnv: rest.setupEnv ?? setupEnvFromVariable(process.env.MOLECULE_SETUP_ENV),
  });
}
