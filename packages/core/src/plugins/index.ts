/**
 * `@molecule-ai/agent-core/plugins`: the plugin pipeline with its ports left open. Download,
 * gunzip (capped), tar, safety policy, staging, hash verification, atomic swap and `setup.sh`, for
 * hosts that bring their own `PluginSink` and `ProcessRunner`. Node and Bun users call their
 * runtime package's `installPlugin` instead.
 */

export {
  type ArchivePolicyOptions,
  DEFAULT_MAX_PATH_BYTES,
  DEFAULT_MAX_PLUGIN_BYTES,
  DEFAULT_MAX_PLUGIN_ENTRIES,
} from './archive-policy.js';
export {
  type Decompressor,
  decompressWithDecompressionStream,
  type GunzipLimits,
  gunzipWithLimits,
} from './gunzip.js';
export {
  type InstallPluginWithPortsOptions,
  installPluginWithPorts,
  type PluginDownload,
  type PluginInstallClient,
  type PluginInstallReportAnswer,
} from './install-plugin.js';
export {
  DEFAULT_SETUP_TIMEOUT_MS,
  installPluginArchive,
  MAX_PLUGIN_YAML_BYTES,
} from './install-plugin-archive.js';
export type {
  InstallPluginArchiveOptions,
  InstallPluginResult,
  PluginArchiveLimits,
  PluginInstallPhase,
  PluginInstallProgress,
  PluginReportOutcome,
  SetupResult,
} from './install-types.js';
export {
  assertSha256Hex,
  computePluginManifestHash,
  EMPTY_PLUGIN_MANIFEST_HASH,
  isSha256Hex,
  type ManifestFile,
  verifyPluginManifestHash,
} from './manifest-hash.js';
export {
  type DownloadPluginOptions,
  downloadPlugin,
  type PluginDownloadResponse,
  type PluginInstallReport,
  pluginInstallClient,
  type ReportPluginInstallOptions,
  reportPluginInstall,
} from './plugin-endpoints.js';
export { assertPluginName, PLUGIN_NAME_MAX_BYTES } from './plugin-name.js';
export {
  assertSetupEnvironment,
  SETUP_ENV_ALLOW_LIST,
  SETUP_ENV_DENY_LIST,
  SETUP_ENV_PROXY_VARIABLES,
  type SetupEnvironmentChoice,
  type SetupEnvironmentInput,
} from './setup-environment.js';
