/**
 * Why a loop ended. Normalised: the Python SDK returned the server's raw `status` string, which
 * could be anything (`"online"` with `paused: true`, `"unknown"`); these five are all there is.
 *
 * - `paused`: the platform paused the workspace (`status: "paused"` or `paused: true`).
 * - `deleted`: the workspace is gone (`deleted: true`, `status: "removed"`, or a 404 saying so).
 * - `revoked`: `/state` kept answering 401, which is how the real platform reports a deleted
 *   workspace (delete revokes every token) or a revoked token.
 * - `aborted`: the caller's signal fired or `stop()` was called.
 * - `max-iterations`: the configured number of ticks ran.
 */
export type LoopStopReason = 'paused' | 'deleted' | 'revoked' | 'aborted' | 'max-iterations';

/** Every {@link LoopStopReason}, for validation and exhaustive tests. */
export const LOOP_STOP_REASONS: readonly LoopStopReason[] = [
  'paused',
  'deleted',
  'revoked',
  'aborted',
  'max-iterations',
];
