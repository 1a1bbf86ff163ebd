import {
  type AgentClient,
  type AgentClientOptions,
  createAgentClient as createCoreAgentClient,
} from '@molecule-ai/agent-core';
import { type AgentConnectionOptions, resolveClientSettings } from '@molecule-ai/agent-core/agent';
import { sharedHttpTransport } from '../http/undici-transport.js';
import { createFileTokenStore } from '../stores/file-token-store.js';
import { defaultMoleculeDirectory } from '../stores/paths.js';
import { createStderrLogger } from './stderr-logger.js';

/**
 * Options of this runtime's {@link createAgentClient}: core's client options, all optional. The
 * connection settings fall back to their `MOLECULE_*` variables, the token store to the token
 * file and the logger to stderr.
 */
export type RuntimeAgentClientOptions = Partial<AgentClientOptions> & AgentConnectionOptions;

/**
 * The protocol client of one workspace (core's `createAgentClient`) with this runtime's defaults:
 * `platformUrl`, `workspaceId`, `token`, `orgId`, `origin`, the agent name and `reportedUrl` fall
 * back to `MOLECULE_PLATFORM_URL`, `MOLECULE_WORKSPACE_ID`, `MOLECULE_WORKSPACE_TOKEN`, ...; the
 * token is kept in the token file under `tokenDir` (`MOLECULE_TOKEN_DIR`, else `~/.molecule`);
 * warnings and errors go to stderr (`MOLECULE_LOG` sets the level); requests go through the shared
 * keep-alive transport unless you pass `fetch` or `transport`. Checks everything before any
 * I/O (ConfigError).
 *
 * @example
 * import { createAgentClient } from '@molecule-ai/agent-node';
 *
 * const client = createAgentClient(); // MOLECULE_PLATFORM_URL, MOLECULE_WORKSPACE_ID
 * await client.register();
 * console.log(await client.getPeers());
 */
export function createAgentClient(options: RuntimeAgentClientOptions = {}): AgentClient {
  const env = options.env ?? process.env;
  const settings = resolveClientSettings(options, env);
  const logger = options.logger ?? createStderrLogger({ level: settings.logLevel });
  const { env: _env, tokenDir: _tokenDir, agentName: _agentName, ...clientOptions } = options;
  return createCoreAgentClient({
    ...clientOptions,
    workspaceId: settings.workspaceId,
    platformUrl: settings.platformUrl,
    token: settings.token,
    orgId: settings.orgId,
    origin: settings.origin,
    agentCard: settings.agentCard,
    reportedUrl: settings.reportedUrl,
    logger,
    transport: options.transport ?? (options.fetch === undefined ? sharedHttpTransport() : undefined),
    tokenStore:
      options.tokenStore ??
      createFileTokenStore({ directory: settings.tokenDir ?? defaultMoleculeDirectory(env), logger }),
  });
}
