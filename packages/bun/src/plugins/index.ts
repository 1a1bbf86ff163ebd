// The file-system plugin sink only needs node:fs (O_EXCL and O_NOFOLLOW opens with exact modes,
// fchmod, fsync of files and directories, rename, symlink, opendir, utimes for the lock heartbeat),
// which Bun implements exactly; the Bun tests run the core's PluginSink contract and real installs
// against it. So it is re-exported rather than copied, and so are Node's install options and rules:
// Bun's installPlugin only fills in its own ports (Bun.spawn, DecompressionStream).
export {
  createFsPluginSink,
  createSandboxedRunner,
  type FsPluginSinkOptions,
  hashPluginDirectory,
  type InstallPluginOptions,
  type SandboxedRunner,
  type SandboxedRunnerOptions,
  type SetupSandboxOptions,
} from '@molecule-ai/agent-node';
export { installPlugin } from './install-plugin.js';
