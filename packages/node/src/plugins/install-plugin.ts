import { ConfigError } from '@molecule-ai/agent-core';
import {
  type InstallPluginResult,
  type InstallPluginWithPortsOptions,
  installPluginWithPorts,
} from '@molecule-ai/agent-core/plugins';
import type { PluginSink, ProcessRunner } from '@molecule-ai/agent-core/ports';
import { defaultPluginsDirectory } from '../stores/paths.js';
import { createFsPluginSink } from './fs-plugin-sink.js';
import { createProcessRunner } from './process-runner.js';
import { type SetupSandboxOptions, withSetupSandbox } from './sandboxed-runner.js';
import { createZlibGunzip } from './zlib-gunzip.js';

/** Options of the Node {@link installPlugin}: core's, with the Node ports filled in. */
export interface InstallPluginOptions
  extends Omit<InstallPluginWithPortsOptions, 'sink' | 'runner' | 'client'> {
  /**
   * The agent client (`createAgentClient`), whose `workspaceId` names the default `pluginsDir`, or
   * the two calls an install makes (`pluginInstallClient(client)` or a stand-in).
   */
  client: InstallPluginWithPortsOptions['client'] & { readonly workspaceId?: string | undefined };
  /**
   * Where plugins live: `<pluginsDir>/<name>`. Default `~/.molecule/<workspaceId>/plugins`, the
   * Python SDK's layout. Ignored when `sink` is given.
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
 * Downloads, verifies and installs a plugin on Node: core's `installPlugin` with the file-system
 * sink, the process-group runner, `node:zlib` gunzip and `process.env` as the host environment
 * that `setup.sh`'s allow-list is applied to. Everything can still be overridden.
 */
export async function installPlugin(options: InstallPluginOptions): Promise<InstallPluginResult> {
  const { pluginsDir, sink, runner, sandbox, ...rest } = options;
  const target =
    sink ?? createFsPluginSink({ pluginsDir: pluginsDir ?? defaultPluginsDirectoryOf(rest.client) });
  const setupRunner = await withSetupSandbox(runner ?? createProcessRunner(), {
    sandbox,
    runSetup: rest.runSetup,
  });
  return installPluginWithPorts({
    ...rest,
    sink: target,
    runner: setupRunner,
    decompress: rest.decompress ?? createZlibGunzip(),
    hostEnv: rest.hostEnv ?? process.env,
    // MOLECULE_SETUP_ENV: the same comma-separated NAME[=VALUE] list as the CLI's --setup-env.
    setupEnv: rest.setupEnv ?? setupEnvFromVariable(process.env.MOLECULE_SETUP_ENV),
  });
}
