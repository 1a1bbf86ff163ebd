import {
  type AgentClient,
  ConfigError,
  createAgentClient,
  type Logger,
  type TokenStore,
} from '@molecule-ai/agent-core';
import { normalisePath } from '@molecule-ai/agent-core/inbound';
import { silentLogger } from '@molecule-ai/agent-core/ports';
import type { KvNamespaceLike } from '../stores/kv-namespace.js';
import { createKvTokenStore } from '../stores/kv-token-store.js';
import type { AgentWorkerOptions } from './options.js';
import { pushReportedUrl } from './push-reported-url.js';

/** The default prefix of every KV key this package writes. */
export const DEFAULT_KV_PREFIX = 'molecule:';

const SECRET_PATTERN = /^[A-Za-z0-9_-]{16,}$/;

/** The options of {@link AgentWorkerOptions}, read for one invocation's `env`. */
export interface WorkerConfig {
  workspaceId: string;
  kv: KvNamespaceLike;
  logger: Logger;
  /** The KV token store, and the pre-minted token from `env` (never written to KV), if any. */
  tokenStore: TokenStore;
  presetToken: string | undefined;
  /** `/a2a/<secret>`, or `null` for a poll-only agent. */
  pushPath: string | null;
  /** Key prefixes of the cursor store and the stop marker, and the loop state's key. */
  keys: { cursorPrefix: string; stoppedPrefix: string; loop: string };
  /** A fresh client (no I/O happens until a method is called), with `tokenStore` unless given another. */
  client(tokens?: TokenStore): AgentClient;
}

function pushPathOf(secret: string): string {
  if (!SECRET_PATTERN.test(secret)) {
    throw new ConfigError('push.secret must be at least 16 URL-safe characters (A-Z a-z 0-9 _ -)');
  }
  return normalisePath(`/a2a/${secret}`);
}

/** Reads the options for `env`; throws ConfigError for a missing or malformed value. */
export function resolveWorkerConfig<Env>(options: AgentWorkerOptions<Env>, env: Env): WorkerConfig {
  const workspaceId = options.workspaceId(env);
  const platformUrl = options.platformUrl(env);
  const kv = options.kv(env);
  if (!workspaceId) throw new ConfigError('workspaceId(env) returned nothing');
  if (!platformUrl) throw new ConfigError('platformUrl(env) returned nothing');
  if (!kv || typeof kv.get !== 'function') throw new ConfigError('kv(env) did not return a KV namespace');
  const prefix = options.prefix ?? DEFAULT_KV_PREFIX;
  const logger = options.logger?.(env) ?? silentLogger;
  const pushPath = options.push ? pushPathOf(options.push.secret(env)) : null;
  const reportedUrl = pushReportedUrl(pushPath, options.push?.url(env), () => options.reportedUrl?.(env));
  const agentCard = typeof options.agentCard === 'function' ? options.agentCard(env) : options.agentCard;
  // An empty secret or variable means none.
  const token = options.token?.(env) || undefined;
  const orgId = options.orgId?.(env) || undefined;
  const platformFetch = options.platformFetch?.(env);
  const tokenStore = createKvTokenStore(kv, { prefix: `${prefix}token:` });
  return {
    workspaceId,
    kv,
    logger,
    tokenStore,
    presetToken: token,
    pushPath,
    keys: {
      cursorPrefix: `${prefix}cursor:`,
      stoppedPrefix: `${prefix}stopped:`,
      loop: `${prefix}loop:${workspaceId}`,
    },
    client: (tokens = tokenStore) =>
      createAgentClient({
        workspaceId,
        platformUrl,
        tokenStore: tokens,
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
