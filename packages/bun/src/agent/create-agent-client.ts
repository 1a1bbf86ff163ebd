import type { AgentClient } from '@molecule-ai/agent-core';
import {
  createAgentClient as createNodeCompatibleClient,
  type RuntimeAgentClientOptions,
} from '@molecule-ai/agent-node';

/**
 * The protocol client of one workspace with this runtime's defaults: the connection settings from
 * `MOLECULE_*`, the token file under `tokenDir` (`MOLECULE_TOKEN_DIR`, else `~/.molecule`), the
 * stderr logger (`MOLECULE_LOG` sets the level), and Bun's own fetch. The same options as
 * `createAgentClient` of `@molecule-ai/agent-node`.
 *
 * @example
 * import { createAgentClient } from '@molecule-ai/agent-bun';
 *
 * const client = createAgentClient(); // MOLECULE_PLATFORM_URL, MOLECULE_WORKSPACE_ID
 * await client.register();
 */
export function createAgentClient(options: RuntimeAgentClientOptions = {}): AgentClient {
  const bunFetch = ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)) as typeof fetch;
  return createNodeCompatibleClient({
    ...options,
    fetch: options.fetch ?? (options.transport === undefined ? bunFetch : undefined),
  });
}
