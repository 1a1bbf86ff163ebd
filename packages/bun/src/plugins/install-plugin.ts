import { ConfigError } from '@molecule-ai/agent-core';
import {
  type InstallPluginResult,
  type InstallPluginWithPortsOptions,
  installPluginWithPorts,
  type PluginInstallClient,
} from '@molecule-ai/agent-core/plugins';
import type { PluginSink, ProcessRunner } from '@molecule-ai/agent-core/ports';
import {
  createFsPluginSink,
  defaultPluginsDirectory,
  type SetupSandboxOptions,
  withSetupSandbox,
} from '@molecule-ai/agent-node';
import { createProcessRunner } from '../process/process-runner.js';

/**
 * Options of the Bun {@link installPlugin}: the core's, where the sink, the runner and the host
 * environment have Bun defaults.
 */
export interface InstallPluginOptions
  extends Omit<InstallPluginWithPortsOptions, 'sink' | 'runner' | 'client'> {
  /** The agent client (`createAgentClient`); its `workspaceId` names the default `pluginsDir`. */
  client: PluginInstallClient & { readonly workspaceId?: string | undefined };
  /**
   * Where plugins are installed (`<pluginsDir>/<name>`). Default `~/.molecule/<workspaceId>/plugins`,
   * the Python SDK's layout. Used when `sink` is not given.
   */
  pluginsDir?: string;
  /** Default: `createFsPluginSink({ pluginsDir })`. */
  sink?: PluginSink;
  /** Default: `createProcessRunner()`. */
  runner?: ProcessRunner;
  /**
   * Run `setup.sh` in a bubblewrap sandbox (Linux): without the token folder (`MOLECULE_TOKEN_DIR`
   * or `~/.molecule`, or the `hide` list), without the agent's `/proc`, and with everything it
   * started killed when it exits. When bubblewrap is missing or cannot run, the install fails
   * with a ConfigError before anything is downloaded. Default false (`MOLECULE_SETUP_SANDBOX=1`
   * turns it on).
   */
  sandbox?: boolean | SetupSandboxOptions | undefined;
}

function setupEnvFromVariable(value: string | undefined): string[] | undefined {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return entries.length > 0 ? entries : undefined;
}

function defaultPluginsDirectoryOf(client: InstallPluginOptions['client']): string {
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
 * `Bun.spawn` (own process group, killed whole at the timeout and when it exits, an allow-listed
 * environment built by the core from `process.env`: never the workspace token; in a bubblewrap
 * sandbox with `sandbox`) and reports the install.
 *
 * @example
 * const result = await installPlugin({ client, name: 'my-plugin', pluginsDir: './plugins' });
 * console.log(result.path);
 */
export async function installPlugin(options: InstallPluginOptions): Promise<InstallPluginResult> {
  const { pluginsDir, sink, runner, sandbox, ...rest } = options;
  const target: PluginSink =
    sink ?? createFsPluginSink({ pluginsDir: pluginsDir ?? defaultPluginsDirectoryOf(rest.client) });
  const setupRunner = await withSetupSandbox(runner ?? createProcessRunner(), {
    sandbox,
    runSetup: rest.runSetup,
  });
  return installPluginWithPorts({
    ...rest,
    sink: target,
    runner: setupRunner,
    hostEnv: options.hostEnv ?? process.env,
    // MOLECULE_SETUP_ENV: the same comma-separated NAME[=VALUE] list as the CLI's --setup-env.
    setupEnv: rest.setupEnv ?? setupEnvFromVariable(process.env.MOLECULE_SETUP_ENV),
  });
}
