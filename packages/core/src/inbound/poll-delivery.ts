import { ConfigError, CursorLostError } from '../errors.js';
import type { CursorStore } from '../ports/cursor-store.js';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';
import { createMemoryCursorStore } from '../testing/memory-cursor-store.js';
import { checkDuration } from '../util/duration-limit.js';
import { isRecord } from './a2a-parts.js';
import { detectFeedMode, type FeedMode, rowIdOf, sortRowsAscending } from './feed-order.js';
import type { DeliveryRunOptions, DeliveryRunResult, InboundDelivery } from './inbound-delivery.js';
import type { InboundMessage } from './inbound-message.js';
import type { DispatchOutcome, MessageDispatcher } from './message-dispatcher.js';
import { parseActivityRow } from './parse-activity-row.js';
import { createSeenSet, type SeenSet } from './seen-set.js';

/** The part of the client a poll delivery uses. */
export interface ActivityFeedClient {
  readonly workspaceId: string;
  /** Raw activity rows; rejects with `CursorLostError` on 410. */
  fetchActivity(options: {
    sinceId?: string;
    limit?: number | undefined;
    type?: string;
    signal?: AbortSignal | undefined;
  }): Promise<readonly unknown[]>;
}

/** Options of {@link createPollDelivery}. */
export interface PollDeliveryOptions {
  client: ActivityFeedClient;
  /** Where the cursor and the seen-set live between runs. Default: in memory (lost on restart). */
  cursorStore?: CursorStore | undefined;
  /** Poll cadence. Default 5 s. */
  intervalMs?: number | undefined;
  /** Rows per request (the server caps at 500). Default 100. */
  limit?: number | undefined;
  /** Activity type to read. Default `a2a_receive`. */
  type?: string;
  /** Handled ids remembered for de-duplication (at least twice `limit`). Default 1,000. */
  seenLimit?: number;
  logger?: Logger;
}

/** A poll delivery: the activity feed turned into handled messages, durably. */
export interface PollDelivery extends InboundDelivery {
  readonly kind: 'poll';
  readonly intervalMs: number;
  /** What the feed turned out to be (`unknown` until a batch or a 410 tells). */
  readonly mode: FeedMode;
  /** The id of the last row of the handled prefix, or `null`. */
  readonly cursor: string | null;
}

interface WindowEntry {
  id: string;
  /** `null`: not a message for the agent (its own notify, another type); done at once. */
  message: InboundMessage | null;
  state: 'pending' | 'running' | 'done';
}

interface Window {
  entries: WindowEntry[];
  /** Entries before this index are all done. */
  committed: number;
  /** The batch was full and had new messages: the feed probably has more. */
  likelyMore: boolean;
}

const EMPTY: DeliveryRunResult = { fetched: 0, dispatched: 0, more: false, blocked: false };

/**
 * Polls `GET /workspaces/:id/activity` and hands each new message to the dispatcher, once.
 *
 * Works with both feeds: the cursor feed (`since_id`, oldest first, 410 when the cursor is gone)
 * and the server today (no cursor, newest first, `since_id` ignored). Rows are sorted oldest
 * first, de-duplicated by id against a bounded seen-set that is saved with the cursor, and the
 * agent's own `notify` rows are skipped. The cursor advances over the handled prefix of a batch
 * and is saved after EACH handled message (before the next one starts), so a crash re-delivers
 * only what was in flight. A full batch is followed by another fetch at once (backlog drain).
 *
 * On 410 (`CursorLostError`) the cursor is reset to `null` and the reset is saved (Python kept
 * the stale cursor on disk); the feed is re-read from the oldest row it keeps, and the seen-set
 * skips what was already handled. A 410 means the cursor row was purged by retention, so every
 * row still kept is newer than it.
 *
 * Without a cursor feed only the newest `limit` rows are visible: if more than `limit` messages
 * arrive between two polls, the older ones are never seen. Raise `limit` (up to 500) or poll
 * more often when that can happen.
 */
export function createPollDelivery(options: PollDeliveryOptions): PollDelivery {
  const { client } = options;
  const intervalMs = options.intervalMs ?? 5_000;
  const limit = options.limit ?? 100;
  const type = options.type ?? 'a2a_receive';
  const seenLimit = options.seenLimit ?? 1_000;
  const store = options.cursorStore ?? createMemoryCursorStore();
  const logger = options.logger ?? silentLogger;
  const workspaceId = client.workspaceId;
  checkDuration('intervalMs', intervalMs);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw new ConfigError('limit must be an integer 1..500');
  if (!Number.isInteger(seenLimit) || seenLimit < 2 * limit) {
    throw new ConfigError('seenLimit must be an integer of at least twice the limit');
  }

  let mode: FeedMode = 'unknown';
  let cursor: string | null = null;
  let seen: SeenSet = createSeenSet(seenLimit);
  let loading: Promise<void> | null = null;
  let window: Window | null = null;
  let stopped = false;
  let warnedGap = false;
  const handlers = new Set<Promise<unknown>>();

  // Saves are serialised; a save queued while another runs takes the latest state when it starts.
  let saving: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;
  const persist = (): Promise<void> => {
    if (queued) return queued;
    const next = saving.then(async () => {
      queued = null;
      await store.save(workspaceId, { cursor, seen: seen.toArray() });
    });
    queued = next;
    saving = next.catch((error) =>
      logger.error('saving the inbound cursor failed', { store: store.name, error }),
    );
    return next;
  };

  const load = (): Promise<void> => {
    loading ??= (async () => {
      const state = await store.load(workspaceId);
      if (state) {
        cursor = state.cursor;
        seen = createSeenSet(seenLimit, state.seen.slice(-seenLimit));
      }
    })().catch((error) => {
      loading = null;
      throw error;
    });
    return loading;
  };

  const advance = (w: Window): boolean => {
    let moved = false;
    while (w.committed < w.entries.length && w.entries[w.committed]!.state === 'done') {
      cursor = w.entries[w.committed]!.id;
      w.committed++;
      moved = true;
    }
    return moved;
  };

  async function fetchWindow(signal: AbortSignal | undefined): Promise<{ fetched: number } | 'cursor-lost'> {
    const sinceId = cursor;
    let rows: readonly unknown[];
    try {
      rows = await client.fetchActivity({
        ...(sinceId === null ? {} : { sinceId }),
        limit,
        type,
        signal,
      });
    } catch (error) {
      // A 410 without a cursor cannot be recovered from by resetting it; report it as a failure.
      if (!(error instanceof CursorLostError) || sinceId === null) throw error;
      logger.info('inbound cursor lost (410); re-reading the feed from its oldest row', { cursor: sinceId });
      mode = 'cursor';
      cursor = null;
      await persist();
      return 'cursor-lost';
    }
    const detected = detectFeedMode(rows, sinceId);
    if (detected && detected !== mode) {
      logger.debug('activity feed mode detected', { mode: detected });
      mode = detected;
    }
    const entries: WindowEntry[] = [];
    const inBatch = new Set<string>();
    let fresh = 0;
    let known = 0;
    for (const row of sortRowsAscending(rows)) {
      const id = rowIdOf(row);
      if (id === '' || inBatch.has(id)) continue;
      inBatch.add(id);
      const otherType = isRecord(row) && typeof row.activity_type === 'string' && row.activity_type !== type;
      const message = otherType ? null : parseActivityRow(row);
      if (message && seen.has(id)) known++;
      const isNew = message !== null && !seen.has(id);
      if (isNew) fresh++;
      entries.push({ id, message: isNew ? message : null, state: isNew ? 'pending' : 'done' });
    }
    const full = rows.length >= limit;
    if (mode === 'server' && full && fresh > 0 && known === 0 && seen.size > 0 && !warnedGap) {
      warnedGap = true;
      logger.warn(
        'the activity feed has no cursor and a full batch held only new messages: older ones may be out of reach; raise `limit` or poll more often',
        { limit },
      );
    }
    const w: Window = { entries, committed: 0, likelyMore: full && fresh > 0 && mode !== 'server' };
    if (advance(w)) await persist();
    window = w;
    return { fetched: rows.length };
  }

  function start(entry: WindowEntry, w: Window, dispatcher: MessageDispatcher): Promise<unknown> {
    entry.state = 'running';
    const handled = dispatcher.dispatch(entry.message!, {
      afterHandled: async (_outcome: DispatchOutcome) => {
        entry.state = 'done';
        seen.add(entry.id);
        advance(w);
        await persist();
      },
    });
    handlers.add(handled);
    void handled.finally(() => handlers.delete(handled));
    return handled;
  }

  async function runOnce(
    dispatcher: MessageDispatcher,
    runOptions: DeliveryRunOptions = {},
  ): Promise<DeliveryRunResult> {
    if (stopped) return EMPTY;
    await load();
    let fetched = 0;
    if (window === null || window.committed >= window.entries.length) {
      window = null;
      const result = await fetchWindow(runOptions.signal);
      if (result === 'cursor-lost') return { fetched: 0, dispatched: 0, more: true, blocked: false };
      fetched = result.fetched;
    }
    const w = window!;
    const started: Promise<unknown>[] = [];
    for (const entry of w.entries) {
      if (stopped || runOptions.signal?.aborted) break;
      if (entry.state !== 'pending') continue;
      if (dispatcher.available === 0) {
        if (runOptions.wait) {
          await dispatcher.whenAvailable(runOptions.signal);
        } else if (!runOptions.waitForSlot || !(await runOptions.waitForSlot())) {
          break;
        }
        if (stopped || runOptions.signal?.aborted) break;
      }
      started.push(start(entry, w, dispatcher));
    }
    if (runOptions.wait) await Promise.all(started);

    const pending = w.entries.some((entry) => entry.state === 'pending');
    const complete = w.committed >= w.entries.length;
    if (complete) window = null;
    return {
      fetched,
      dispatched: started.length,
      more: complete && w.likelyMore,
      // Wake the loop when a slot frees: to hand out the rest, or to fetch the next full batch.
      blocked: !stopped && (pending || (!complete && w.likelyMore)),
    };
  }

  return {
    kind: 'poll',
    intervalMs,
    get mode() {
      return mode;
    },
    get cursor() {
      return cursor;
    },
    runOnce,
    async stop() {
      stopped = true;
      await Promise.allSettled([...handlers]);
      await saving;
    },
  };
}
