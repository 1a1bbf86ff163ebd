// Bun's node:fs is exact for everything these stores rely on (open with O_EXCL and a mode, fchmod,
// fsync, rename, link, mkdir with a mode, process.kill(pid, 0)), which the Bun tests prove. So the
// Bun package re-exports the Node implementations instead of keeping a copy that could drift.
// `Bun.write` is deliberately not used: it ignores `mode` and creates files 0644.
export {
  CURSOR_FILE_NAME,
  createEnvTokenStore,
  createFileCursorStore,
  createFileTokenStore,
  defaultMoleculeDirectory,
  type EnvTokenStoreOptions,
  type FileCursorStoreOptions,
  type FileStoreOptions,
  type FileTokenStoreOptions,
  TOKEN_FILE_NAME,
  WORKSPACE_TOKEN_ENV,
} from '@molecule-ai/agent-node';
