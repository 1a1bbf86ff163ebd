export { createFsPluginSink, type FsPluginSinkOptions } from './fs-plugin-sink.js';
export { type InstallPluginOptions, installPlugin } from './install-plugin.js';
export { hashPluginDirectory } from './plugin-directory-hash.js';
export { createProcessRunner, type ProcessRunnerOptions } from './process-runner.js';
export {
  createSandboxedRunner,
  defaultSandboxHiddenPaths,
  type SandboxedRunner,
  type SandboxedRunnerOptions,
  type SetupSandboxOptions,
  withSetupSandbox,
} from './sandboxed-runner.js';
export { createZlibGunzip } from './zlib-gunzip.js';
