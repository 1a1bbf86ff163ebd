import type { LoopState } from '@molecule-ai/agent-core/loops';
import type { KvNamespaceLike } from '../stores/kv-namespace.js';

/** The default key prefix under which the loop state of each workspace is kept. */
export const DEFAULT_LOOP_PREFIX = 'molecule:loop:';

function isSchedule(value: unknown): boolean {
  const v = value as { dueAt?: unknown; failures?: unknown } | null;
  return typeof v?.dueAt === 'number' && typeof v.failures === 'number';
}

/** A saved loop state, checked; anything unreadable counts as none (the next step starts afresh). */
export function parseLoopState(value: unknown): LoopState | null {
  const state = value as Partial<LoopState> | null;
  const ok =
    state !== null &&
    typeof state === 'object' &&
    typeof state.iteration === 'number' &&
    typeof state.startedAt === 'number' &&
    isSchedule(state.heartbeat) &&
    isSchedule(state.statePoll) &&
    isSchedule(state.delivery);
  return ok ? (state as LoopState) : null;
}

/** A saved loop state's KV text, checked; `null` or anything unreadable counts as none. */
export function parseLoopStateText(text: string | null): LoopState | null {
  if (text === null) return null;
  try {
    return parseLoopState(JSON.parse(text));
  } catch {
    return null;
  }
}

/** Reads the saved loop state; an unreadable value counts as none (the next step starts afresh). */
export async function loadLoopState(namespace: KvNamespaceLike, key: string): Promise<LoopState | null> {
  return parseLoopStateText(await namespace.get(key));
}

/**
 * Saves the loop state (at most one `put` per tick, well inside KV's one write per second per key)
 * and returns the text written.
 */
export async function saveLoopState(
  namespace: KvNamespaceLike,
  key: string,
  state: LoopState,
): Promise<string> {
  const text = JSON.stringify(state);
  await namespace.put(key, text);
  return text;
}
