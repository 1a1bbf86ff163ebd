import {
  type AgentClient,
  ConfigError,
  createAgentClient,
  type Logger,
  type TokenStore,
} from '@molecule-ai/agent-core';
import { workspacePushPath } from '@molecule-ai/agent-core/inbound';
import { silentLogger } from '@molecule-ai/agent-core/ports';
import { pushReportedUrl } from '../worker/push-reported-url.js';
import type { AgentDurableObjectOptions } from './options.js';

/** The options of {@link AgentDurableObjectOptions}, read for one object's workspace and `env`. */
export interface ObjectConfig {
  workspaceId: string;
  logger: Logger;
  /** This workspace's push path `/a2a/<id>/<capability>`, or `null` for a poll-only agent. */
  pushPath: string | null;
  presetToken: string | undefined;
  /** A fresh client over `tokenStore` (no I/O happens until a method is called). */
  client(): AgentClient;
}

/** Reads the options for one workspace; throws ConfigError for a missing or malformed value. */
export async function resolveObjectConfig<Env>(
  options: AgentDurableObjectOptions<Env>,
  env: Env,
  workspaceId: string,
  tokenStore: TokenStore,
): Promise<ObjectConfig> {
  const platformUrl = options.platformUrl(env);
  if (!platformUrl) throw new ConfigError('platformUrl(env) returned nothing');
  const logger = options.logger?.(env) ?? silentLogger;
  const pushPath = options.push ? await workspacePushPath(options.push.secret(env), workspaceId) : null;
  const reportedUrl = pushReportedUrl(pushPath, options.push?.url(env), () =>
    options.reportedUrl?.(env, workspaceId),
  );
  const agentCard =
    typeof options.agentCard === 'function' ? options.agentCard(env, workspaceId) : options.agentCard;
  const token = options.token?.(env, workspaceId) || undefined;
  const orgId = options.orgId?.(env) || undefined;
  const platformFetch = options.platformFetch?.(env);
  return {
    workspaceId,
    logger,
    pushPath,
    presetToken: token,
    client: () =>
      createAgentClient({
        workspaceId,
        platformUrl,
        tokenStore,
        logger,
        agentCard,
        reportedUrl,
        token,
        orgId,
        fetch: platformFetch,
        clock: options.clock,
        random: options.random,
      }),
  };
}
