import { ConfigError, type TokenStore } from '@molecule-ai/agent-core';

/** The environment variable the CLI and {@link createEnvTokenStore} read a ready-made token from. */
export const WORKSPACE_TOKEN_ENV = 'MOLECULE_WORKSPACE_TOKEN';

/** Options of {@link createEnvTokenStore}. */
export interface EnvTokenStoreOptions {
  /** An explicit token; wins over the environment. */
  token?: string | undefined;
  /** Where to read {@link WORKSPACE_TOKEN_ENV} from. Default `process.env`; pass `{}` to ignore it. */
  env?: Record<string, string | undefined>;
  /** Limit the supplied token to this workspace; other ids go straight to `fallback`. Default: every id. */
  workspaceId?: string;
  /** Where tokens not supplied by option or environment live (e.g. a file store). Default: none. */
  fallback?: TokenStore;
}

/**
 * A {@link TokenStore} whose token comes from an option or `MOLECULE_WORKSPACE_TOKEN`, layered over
 * an optional `fallback` store. The supplied token wins over anything saved and is never written
 * anywhere: the Python CLI copies `--token` into `~/.molecule`, which leaves a secret on disk the
 * user meant to keep in their secret manager.
 *
 * A different token passed to `save` (the platform minted a new one because the supplied one was
 * dead) is used from then on in this process and handed to `fallback`, because the platform never
 * shows a token twice. `clear` forgets it and stops using the supplied token until the next save.
 *
 * @example
 * const tokens = createEnvTokenStore({ workspaceId, fallback: createFileTokenStore() });
 */
export function createEnvTokenStore(options: EnvTokenStoreOptions = {}): TokenStore {
  const supplied = (options.token ?? (options.env ?? process.env)[WORKSPACE_TOKEN_ENV] ?? '').trim();
  const fallback = options.fallback;
  const saved = new Map<string, string>();
  const cleared = new Set<string>();
  const applies = (workspaceId: string): boolean =>
    supplied !== '' && (options.workspaceId === undefined || options.workspaceId === workspaceId);

  return {
    name: fallback === undefined ? 'env' : `env+${fallback.name}`,

    describe(workspaceId) {
      if (applies(workspaceId) && !cleared.has(workspaceId) && !saved.has(workspaceId)) {
        return options.token === undefined
          ? `the ${WORKSPACE_TOKEN_ENV} environment variable`
          : 'the token option';
      }
      return fallback?.describe?.(workspaceId) ?? 'memory';
    },

    async load(workspaceId) {
      const fresh = saved.get(workspaceId);
      if (fresh !== undefined) return fresh;
      if (applies(workspaceId) && !cleared.has(workspaceId)) return supplied;
      return (await fallback?.load(workspaceId)) ?? null;
    },

    async save(workspaceId, token) {
      const trimmed = token.trim();
      if (trimmed === '') throw new ConfigError('refusing to save an empty token');
      if (applies(workspaceId) && trimmed === supplied) {
        saved.delete(workspaceId);
        cleared.delete(workspaceId);
        return;
      }
      if (!applies(workspaceId)) {
        // Not ours to supply: behave exactly like the fallback (or a memory store without one).
        if (fallback === undefined) saved.set(workspaceId, trimmed);
        else await fallback.save(workspaceId, token);
        return;
      }
      await fallback?.save(workspaceId, token);
      saved.set(workspaceId, trimmed);
      cleared.delete(workspaceId);
    },

    async clear(workspaceId) {
      saved.delete(workspaceId);
      if (applies(workspaceId)) cleared.add(workspaceId);
      await fallback?.clear(workspaceId);
    },
  };
}
