import type { AgentStepResult } from '@molecule-ai/agent-core';

/** What one cron tick (or alarm) of a Worker agent did. */
export interface AgentTickReport {
  workspaceId: string;
  /**
   * `ran`: one step of the agent loop ran (see `step`).
   * `skipped`: the agent had stopped earlier (`stopReason` says why); nothing was sent anywhere.
   * `failed`: the first register failed (see `error`); the next tick tries again.
   */
  result: 'ran' | 'skipped' | 'failed';
  /**
   * Why the agent's work is over, when it is: the stop recorded earlier (`skipped`), or the one
   * this step decided (`ran`, e.g. `paused`, `deleted`, `revoked`). `null` while it goes on.
   */
  stopReason: string | null;
  /** True when this tick registered the workspace (the first tick, or after `resume`). */
  registered: boolean;
  /** The step of the core's loop: what was due, how each operation went, what comes next. */
  step: AgentStepResult | null;
  /** KV writes of the inbound cursor in this tick: 0 or 1. */
  cursorWrites: number;
  /** The error of a `failed` tick. */
  error?: unknown;
}
