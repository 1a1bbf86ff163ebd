import type { AgentTickResult } from '@molecule-ai/agent-core/loops';

/** What one cron tick (or alarm) of a Worker agent did. */
export interface AgentTickReport {
  workspaceId: string;
  /**
   * `ran`: one tick of the agent loop ran (see `tick`).
   * `skipped`: the agent had stopped earlier (`stopReason` says why); nothing was sent anywhere.
   * `failed`: the first register failed (see `error`); the next tick tries again.
   */
  result: 'ran' | 'skipped' | 'failed';
  /**
   * Why the agent's work is over, when it is: the stop recorded earlier (`skipped`), or the one
   * this tick decided (`ran`, e.g. `paused`, `deleted`, `revoked`). `null` while it goes on.
   */
  stopReason: string | null;
  /** True when this tick registered the workspace (the first tick, or after `resume`). */
  registered: boolean;
  /** The tick of the core's loop: what was due, how each operation went, what comes next. */
  tick: AgentTickResult | null;
  /** KV writes of the inbound cursor in this tick: 0 or 1. */
  cursorWrites: number;
  /**
   * KV writes of the loop state in this tick: 0 or 1. An idle tick of a healthy agent writes none
   * (what it would write leads the next tick to the same decisions as what KV holds).
   */
  loopStateWrites: number;
  /** The error of a `failed` tick. */
  error?: unknown;
}
