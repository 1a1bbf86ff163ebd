import { ConfigError } from '../errors.js';
import { checkDuration } from '../util/duration-limit.js';

/** The knobs of a loop, in milliseconds. Plain data so a Worker can keep it between ticks. */
export interface LoopPolicy {
  /** How often to heartbeat. The platform's liveness key lives 180 s; 30 s leaves room for failures. */
  heartbeatIntervalMs: number;
  /** How often to read `/state` (pause and delete detection). */
  statePollIntervalMs: number;
  /** How often to poll the inbound feed; `null` when the loop does not poll (heartbeat only, push). */
  deliveryIntervalMs: number | null;
  /** Stop after this many ticks (`0` stops before any I/O); `null` runs until another reason. */
  maxIterations: number | null;
  /** Consecutive 401s on `/state` that mean "token revoked or workspace deleted". */
  revokedAfterUnauthorized: number;
  /** First retry delay after a 401, doubling per repeat (confirms a revocation quickly). */
  backoffBaseMs: number;
  /** Upper bound of every retry delay. */
  backoffMaxMs: number;
  /** Work due within this many ms is done now, so a timer firing a hair early does not cost a tick. */
  dueToleranceMs: number;
}

/** The defaults: Python's 30 s heartbeat and 5 s poll; state every 30 s; 3 × 401 = revoked. */
export const DEFAULT_LOOP_POLICY: LoopPolicy = {
  heartbeatIntervalMs: 30_000,
  statePollIntervalMs: 30_000,
  deliveryIntervalMs: null,
  maxIterations: null,
  revokedAfterUnauthorized: 3,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  dueToleranceMs: 10,
};

/**
 * Fills in defaults and rejects nonsense: zero or negative intervals would spin the loop, and one
 * longer than a day (see `checkDuration`) is a unit mistake that would leave the agent silent.
 */
export function resolveLoopPolicy(options: Partial<LoopPolicy> = {}): LoopPolicy {
  const policy: LoopPolicy = { ...DEFAULT_LOOP_POLICY };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (policy as unknown as Record<string, unknown>)[key] = value;
  }
  checkDuration('heartbeatIntervalMs', policy.heartbeatIntervalMs);
  checkDuration('statePollIntervalMs', policy.statePollIntervalMs);
  if (policy.deliveryIntervalMs !== null) checkDuration('deliveryIntervalMs', policy.deliveryIntervalMs);
  checkDuration('backoffBaseMs', policy.backoffBaseMs);
  checkDuration('backoffMaxMs', policy.backoffMaxMs);
  if (
    policy.maxIterations !== null &&
    (!Number.isInteger(policy.maxIterations) || policy.maxIterations < 0)
  ) {
    throw new ConfigError('maxIterations must be a non-negative integer or null');
  }
  if (!Number.isInteger(policy.revokedAfterUnauthorized) || policy.revokedAfterUnauthorized < 1) {
    throw new ConfigError('revokedAfterUnauthorized must be a positive integer');
  }
  if (!Number.isFinite(policy.dueToleranceMs) || policy.dueToleranceMs < 0) {
    throw new ConfigError('dueToleranceMs must be a non-negative number');
  }
  return policy;
}
