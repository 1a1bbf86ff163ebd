export { createFsPluginSink, type FsPluginSinkOptions } from './fs-plugin-sink.js';
export { installPlugin, type NodeInstallPluginOptions } from './install-plugin.js';
export { createNodeGunzip } from './node-gunzip.js';
export { createNodeProcessRunner, type NodeProcessRunnerOptions } from './node-process-runner.js';
export { hashPluginDirectory } from './plugin-directory-hash.js';
export {
  createSandboxedRunner,
  defaultSandboxHiddenPaths,
  type SandboxedRunner,
  type SandboxedRunnerOptions,
  type SetupSandboxOptions,
  withSetupSandbox,
} from './sandboxed-runner.js';
