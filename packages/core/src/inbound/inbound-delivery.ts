import type { MessageDispatcher } from './message-dispatcher.js';

/** What one {@link InboundDelivery.runOnce} did. */
export interface DeliveryRunResult {
  /** Rows (or requests) received. */
  fetched: number;
  /** Messages handed to handlers. */
  dispatched: number;
  /** A full batch came back: there is probably more, fetch again without waiting an interval. */
  more: boolean;
  /** Work is waiting for a handler slot: call again as soon as one frees. */
  blocked: boolean;
}

/** Options of one {@link InboundDelivery.runOnce}. */
export interface DeliveryRunOptions {
  /**
   * `true`: wait for handler slots and for every dispatched handler before resolving (a Worker's
   * tick, a test). `false` (the loop's way): hand out what the free slots allow and return.
   */
  wait?: boolean;
  /**
   * Without `wait`: called when every handler slot is busy and messages are pending. Resolves
   * `true` once a slot is free (hand out more), `false` when the delivery should return now
   * (other loop work is due, or the loop stops). Lets one loop tick drain a batch instead of one
   * tick per message. Absent: return at once when the slots are full.
   */
  waitForSlot?: () => Promise<boolean>;
  signal?: AbortSignal | undefined;
}

/**
 * A way messages reach the agent loop. Poll deliveries fetch in `runOnce`; push deliveries
 * receive requests on their own and route them to the dispatcher given to `attach`.
 */
export interface InboundDelivery {
  readonly kind: string;
  /** How often the loop calls `runOnce`; `null` when it never needs to (push). */
  readonly intervalMs: number | null;
  /** Called by the loop before its first tick. */
  attach?(dispatcher: MessageDispatcher): void;
  runOnce(dispatcher: MessageDispatcher, options?: DeliveryRunOptions): Promise<DeliveryRunResult>;
  /** Stops taking new work and waits for its own bookkeeping (cursor writes). Idempotent. */
  stop(): Promise<void>;
}
