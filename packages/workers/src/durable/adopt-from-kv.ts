import type { CursorStore, Logger, TokenStore } from '@molecule-ai/agent-core';
import { createKvCursorStore } from '../stores/kv-cursor-store.js';
import { createKvStopMarker } from '../stores/kv-stop-marker.js';
import { createKvTokenStore } from '../stores/kv-token-store.js';
import { DEFAULT_KV_PREFIX } from '../worker/resolve-config.js';
import type { AgentDurableObjectOptions } from './options.js';

/** The stop reason written to KV for the cron + KV agent an object took over. */
export const ADOPTED_STOP_REASON = 'moved-to-durable-object';

/**
 * Takes over what a cron + KV agent ({@link defineAgentWorker}) kept for this workspace in KV,
 * before the object's first register: the token (so the register sends it and nothing new is
 * minted) and the inbound cursor (so handled messages are not handled again), each only when the
 * object has none yet. Then it writes the KV agent's stop marker and removes its loop state, so a
 * cron still deployed stops rather than answering the same messages a second time.
 */
export async function adoptFromKv<Env>(
  options: AgentDurableObjectOptions<Env>,
  env: Env,
  workspaceId: string,
  tokens: TokenStore,
  cursors: CursorStore,
  logger: Logger,
  now: number,
): Promise<void> {
  const kv = options.adoptFrom?.(env);
  if (!kv) return;
  const prefix = options.adoptPrefix ?? DEFAULT_KV_PREFIX;
  let adopted = false;
  if ((await tokens.load(workspaceId)) === null) {
    const token = await createKvTokenStore(kv, { prefix: `${prefix}token:` }).load(workspaceId);
    if (token !== null) {
      await tokens.save(workspaceId, token);
      adopted = true;
    }
  }
  if ((await cursors.load(workspaceId)) === null) {
    try {
      const cursor = await createKvCursorStore(kv, { prefix: `${prefix}cursor:` }).load(workspaceId);
      if (cursor !== null) await cursors.save(workspaceId, cursor);
    } catch (error) {
      // An unreadable KV cursor only costs repeated messages; the seen-set starts empty.
      logger.warn('the KV agent cursor is unreadable; starting without it', { workspaceId, error });
    }
  }
  if (adopted) {
    await createKvStopMarker(kv, { prefix: `${prefix}stopped:` }).save(workspaceId, {
      reason: ADOPTED_STOP_REASON,
      atMs: now,
    });
    // The KV agent reads its stop marker only when its loop state changed since its last tick:
    // removing the loop state is what makes a cron isolate that is still warm see the marker.
    await kv.delete(`${prefix}loop:${workspaceId}`);
    logger.info('took over the token of the cron + KV agent; its cron now does nothing', { workspaceId });
  }
}
