import {
  type AgentClient,
  ConfigError,
  createAgentClient,
  type Logger,
  type TokenStore,
} from '@molecule-ai/agent-core';
import { sharedHttpTransport } from '../http/undici-transport.js';
import { createFileTokenStore } from './file-token-store.js';

/** Options of {@link recoverToken}: an existing client, or what is needed to build one. */
export interface RecoverTokenOptions {
  /** The platform's admin credential (`ADMIN_TOKEN`) or an org token. Never stored. */
  adminToken: string;
  /** Use this client (its token store receives the new token). */
  client?: AgentClient;
  /** Without `client`: the workspace to mint for. */
  workspaceId?: string;
  /** Without `client`: the platform base URL. */
  platformUrl?: string;
  /** Without `client`: where the new token is saved. Default: the file store in `directory`. */
  tokenStore?: TokenStore;
  /** Base directory of the default file store (default `~/.molecule`). */
  directory?: string | undefined;
  orgId?: string | undefined;
  origin?: string | null | undefined;
  fetch?: typeof fetch;
  logger?: Logger | undefined;
  signal?: AbortSignal | undefined;
}

/** What {@link recoverToken} did. Holds the token: do not log it. */
export interface RecoveredToken {
  token: string;
  /** Where it was saved, e.g. the token file path. */
  savedTo: string;
}

/**
 * Recovers from a lost token: mints a new workspace token with an admin credential
 * (`POST /workspaces/:id/tokens`) and saves it, by default to the token file
 * `~/.molecule/<workspaceId>/.auth_token`. The platform shows a token only once, so this is the
 * way back when the token file was deleted; the old tokens stay valid until revoked.
 *
 * @example
 * await recoverToken({ platformUrl, workspaceId, adminToken: process.env.MOLECULE_ADMIN_TOKEN });
 */
export async function recoverToken(options: RecoverTokenOptions): Promise<RecoveredToken> {
  if (options.client !== undefined) {
    const { token } = await options.client.mintToken(options.adminToken, { signal: options.signal });
    return { token, savedTo: 'the client token store' };
  }
  if (!options.workspaceId) throw new ConfigError('recoverToken needs a workspaceId (or a client)');
  if (!options.platformUrl) throw new ConfigError('recoverToken needs a platformUrl (or a client)');
  const store =
    options.tokenStore ?? createFileTokenStore({ directory: options.directory, logger: options.logger });
  const client = createAgentClient({
    workspaceId: options.workspaceId,
    platformUrl: options.platformUrl,
    tokenStore: store,
    orgId: options.orgId,
    origin: options.origin,
    fetch: options.fetch,
    transport: options.fetch === undefined ? sharedHttpTransport() : undefined,
    logger: options.logger,
  });
  const { token } = await client.mintToken(
    options.adminToken,
    options.signal ? { signal: options.signal } : {},
  );
  return {
    token,
    savedTo: store.describe?.(options.workspaceId) ?? `the ${store.name} token store`,
  };
}
