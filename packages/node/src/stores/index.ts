export {
  createEnvTokenStore,
  type EnvTokenStoreOptions,
  WORKSPACE_TOKEN_ENV,
} from './env-token-store.js';
export {
  CURSOR_FILE_NAME,
  createFileCursorStore,
  type FileCursorStoreOptions,
} from './file-cursor-store.js';
export { createFileTokenStore, type FileTokenStoreOptions, TOKEN_FILE_NAME } from './file-token-store.js';
export type { FileStoreOptions } from './locked-writer.js';
export { defaultMoleculeDirectory, defaultPluginsDirectory } from './paths.js';
export { type RecoveredToken, type RecoverTokenOptions, recoverToken } from './recover-token.js';
