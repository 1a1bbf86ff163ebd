// The file-system plugin sink only needs node:fs (O_EXCL and O_NOFOLLOW opens with exact modes,
// fchmod, fsync of files and directories, rename, symlink, opendir, utimes for the lock heartbeat),
// which Bun implements exactly; the Bun tests run the core's PluginSink contract and real installs
// against it. So it is re-exported rather than copied. setup.sh runs through createProcessRunner.
export {
  createFsPluginSink,
  createSandboxedRunner,
  type FsPluginSinkOptions,
  hashPluginDirectory,
  type SandboxedRunner,
  type SandboxedRunnerOptions,
  type SetupSandboxOptions,
} from '@molecule-ai/agent-node';
export { type InstallPluginOptions, installPlugin } from './install-plugin.js';
