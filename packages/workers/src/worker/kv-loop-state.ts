import type { LoopState } from '@molecule-ai/agent-core';
import type { KvNamespaceLike } from '../stores/kv-namespace.js';

/** The default key prefix under which the loop state of each workspace is kept. */
export const DEFAULT_LOOP_PREFIX = 'molecule:loop:';

function isSchedule(value: unknown): boolean {
  const v = value as { dueAt?: unknown; failures?: unknown } | null;
  return typeof v?.dueAt === 'number' && typeof v.failures === 'number';
}

/** Reads the saved loop state; an unreadable value counts as none (the next step starts afresh). */
export async function loadLoopState(namespace: KvNamespaceLike, key: string): Promise<LoopState | null> {
  const text = await namespace.get(key);
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as LoopState;
    const ok =
      typeof value.iteration === 'number' &&
      typeof value.startedAt === 'number' &&
      isSchedule(value.heartbeat) &&
      isSchedule(value.statePoll) &&
      isSchedule(value.delivery);
    return ok ? value : null;
  } catch {
    return null;
  }
}

/** Saves the loop state: one `put` per tick, well inside KV's one write per second per key. */
export async function saveLoopState(
  namespace: KvNamespaceLike,
  key: string,
  state: LoopState,
): Promise<void> {
  await namespace.put(key, JSON.stringify(state));
}
