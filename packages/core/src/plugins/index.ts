export { type ResolvedArchiveLimits, resolveArchiveLimits } from './archive-limits.js';
export {
  type AdmittedEntry,
  type ArchiveEntryInput,
  type ArchivePolicy,
  type ArchivePolicyOptions,
  createArchivePolicy,
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
  type InstallPluginOptions,
  type InstallPluginResult,
  installPlugin,
  type PluginDownload,
  type PluginInstallClient,
  type PluginInstallReportAnswer,
  type PluginReportOutcome,
} from './install-plugin.js';
export {
  DEFAULT_SETUP_TIMEOUT_MS,
  installPluginArchive,
  MAX_PLUGIN_YAML_BYTES,
  type PluginArchiveSource,
  runPluginInstall,
} from './install-plugin-archive.js';
export type {
  InstallPluginArchiveOptions,
  PluginArchiveLimits,
  PluginInstallPhase,
  PluginInstallProgress,
  PluginInstallResult,
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
export { assertPluginName, PLUGIN_NAME_MAX_BYTES } from './plugin-name.js';
export { type PluginYamlSha256, readPluginYamlSha256 } from './plugin-yaml-sha256.js';
export { compareCodePoints, type PythonJsonValue, pythonJsonDumps, pythonJsonString } from './python-json.js';
export {
  assertSetupEnvironment,
  buildSetupEnvironment,
  SETUP_ENV_ALLOW_LIST,
  SETUP_ENV_DENY_LIST,
  SETUP_ENV_PROXY_VARIABLES,
  type SetupEnvironmentChoice,
  type SetupEnvironmentInput,
} from './setup-environment.js';
export {
  createSha256,
  type Sha256Hasher,
  SUBTLE_DIGEST_MAX_BYTES,
  sha256Hex,
  sha256OfStream,
} from './sha256.js';
export { parseTarNumber, type RawTarHeader, type TarHeaderFormat } from './tar-header.js';
export {
  DEFAULT_MAX_TAR_METADATA_BYTES,
  readTarEntries,
  type TarEntry,
  type TarEntryHeader,
  type TarEntryType,
  type TarReaderOptions,
} from './tar-reader.js';
