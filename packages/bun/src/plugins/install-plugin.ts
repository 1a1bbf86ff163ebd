import { decompressWithDecompressionStream, type InstallPluginResult } from '@molecule-ai/agent-core/plugins';
import {
  type InstallPluginOptions,
  installPlugin as installPluginWithNodeDefaults,
} from '@molecule-ai/agent-node';
import { createProcessRunner } from '../process/process-runner.js';

/**
 * `installPlugin` of `@molecule-ai/agent-node` (the same options, file-system sink, default
 * `pluginsDir`, sandbox and `setup.sh` environment rules), with Bun's ports: `setup.sh` runs under
 * `Bun.spawn` (its own process group, killed whole at the timeout and when it exits), and the
 * archive is gunzipped by the Web `DecompressionStream`, which Bun implements natively.
 *
 * @example
 * const result = await installPlugin({ client, name: 'my-plugin', pluginsDir: './plugins' });
 * console.log(result.path);
 */
export function installPlugin(options: InstallPluginOptions): Promise<InstallPluginResult> {
  return installPluginWithNodeDefaults({
    ...options,
    runner: options.runner ?? createProcessRunner(),
    decompress: options.decompress ?? decompressWithDecompressionStream,
  });
}
