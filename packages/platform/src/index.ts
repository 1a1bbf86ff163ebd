/**
 * `@molecule-ai/platform-sim`: an in-memory Molecule AI platform behind a standard fetch
 * handler. Web APIs only, so it runs unchanged in Node, Bun and workerd. The Node listener and
 * the CLI live in `@molecule-ai/platform-sim/node`.
 */

export {
  type AdminCreateWorkspaceInput,
  type QueuedRequestView,
  SimAdmin,
  type WorkspaceSnapshot,
} from './admin.js';
export {
  connectionResetError,
  type Fault,
  type FaultPlan,
  type FaultRule,
  zeroBombTarball,
} from './faults.js';
export type { PlatformSimOptions, ResolvedOptions } from './options.js';
export { defaultResolveHost } from './options.js';
export { CP_SESSION_COOKIE } from './org-credentials.js';
export { computePluginManifestDigest } from './plugins/digest.js';
export type { PluginFileInput, PluginFiles } from './plugins/tree.js';
export type { RecordedRequest } from './recorder.js';
export { createPlatformSim, type FetchInfo, type PlatformSim } from './sim.js';
export type { NotificationRecord, WorkspaceStatus } from './store.js';
export { gunzip, gzip } from './tar/gzip.js';
export {
  formatPaxRecord,
  splitUstarPath,
  type TarEntry,
  type TarEntryType,
  writeTar,
} from './tar/tar-writer.js';

/** Package version. */
export const VERSION = '0.1.0';
