import { type AgentClient, createAgentClient, type Logger, type TokenStore } from '@molecule-ai/agent-core';
import { checkWorkspaceId } from '@molecule-ai/agent-core/agent';
import { sharedHttpTransport } from '../http/undici-transport.js';
import { resolveAgentCard, resolveWorkspaceTokens, type WorkspaceTokens } from './agent-settings.js';
import type { Settings } from './settings.js';

/** A client built from the CLI settings, with the token stores it uses. */
export interface CliClient {
  client: AgentClient;
  tokens: WorkspaceTokens;
  platformUrl: string;
}

/**
 * Builds the agent client from `--platform-url`, `--workspace-id`, the token settings, `--org-id`,
 * `--origin`, `--agent-name` and `--reported-url`. `tokenStore: 'file'` skips the supplied token
 * (used by `token recover`, which must write the file).
 */
export function createCliClient(
  settings: Settings,
  logger: Logger,
  options: { tokenStore?: 'layered' | 'file' } = {},
): CliClient {
  const platformUrl = settings.url('platform-url') ?? settings.required('platform-url');
  checkWorkspaceId(settings.required('workspace-id'), settings.raw('workspace-id')?.from);
  const tokens = resolveWorkspaceTokens(settings, logger);
  const tokenStore: TokenStore = options.tokenStore === 'file' ? tokens.file : tokens.store;
  const orgId = settings.string('org-id');
  const origin = settings.string('origin');
  const reportedUrl = settings.url('reported-url');
  const client = createAgentClient({
    workspaceId: tokens.workspaceId,
    platformUrl,
    tokenStore,
    agentCard: resolveAgentCard(settings, tokens.workspaceId),
    logger,
    transport: sharedHttpTransport(),
    orgId,
    origin,
    reportedUrl,
  });
  return { client, tokens, platformUrl };
}
