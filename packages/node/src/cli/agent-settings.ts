import type { Logger, TokenStore } from '@molecule-ai/agent-core';
import { createEnvTokenStore } from '../stores/env-token-store.js';
import { createFileTokenStore } from '../stores/file-token-store.js';
import type { Settings } from './settings.js';

/** Where the token a command will use comes from. */
export type TokenSource = 'option' | 'env' | 'file';

/** The token stores for one workspace: the file, and the view a client should use. */
export interface WorkspaceTokens {
  workspaceId: string;
  /** The on-disk store (`--token-dir`), used by `token recover` and for status. */
  file: ReturnType<typeof createFileTokenStore>;
  /** `--token`/`MOLECULE_WORKSPACE_TOKEN` layered over the file; the supplied token is never written. */
  store: TokenStore;
  /** Whether a token was supplied by option or environment, and which. */
  supplied: TokenSource | undefined;
}

/** Builds the token stores from `--workspace-id`, `--token-dir` and `--token`/`MOLECULE_WORKSPACE_TOKEN`. */
export function resolveWorkspaceTokens(settings: Settings, logger: Logger): WorkspaceTokens {
  const workspaceId = settings.required('workspace-id');
  const tokenDir = settings.path('token-dir');
  const file = createFileTokenStore({ directory: tokenDir, logger });
  file.describe(workspaceId); // validates the id as a path segment before any I/O
  const raw = settings.raw('token');
  const token = settings.string('token');
  const store = createEnvTokenStore({
    token,
    env: {},
    workspaceId,
    fallback: file,
  });
  const supplied: TokenSource | undefined = token === undefined ? undefined : raw?.fromEnv ? 'env' : 'option';
  return { workspaceId, file, store, supplied };
}

/** The agent card the CLI registers: `{ name }`, from `--agent-name` or `remote-<id[:8]>` as in Python. */
export function resolveAgentCard(settings: Settings, workspaceId: string): { name: string } {
  return { name: settings.string('agent-name') ?? `remote-${workspaceId.slice(0, 8)}` };
}
