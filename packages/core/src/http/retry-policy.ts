import type { Random } from '../ports/clock.js';
import type { ResponseHeaders } from '../ports/http-transport.js';
import { checkDuration } from '../util/duration-limit.js';
import { parseRetryAfter } from './retry-after.js';

/**
 * When to send a request again. A plain value: the decision itself is `retryDelay`, a pure
 * function, so every branch is tested without a network or a timer.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (3 ⇒ at most 4 attempts). */
  readonly maxRetries: number;
  /** HTTP statuses worth another attempt. */
  readonly statuses: readonly number[];
  /** Retry requests that never got an answer (refused, reset, DNS). */
  readonly networkErrors: boolean;
  /** Retry attempts that ran out of time. */
  readonly timeouts: boolean;
  /** Retry POSTs the caller declared idempotent (heartbeat, delegate with a key). GETs always qualify. */
  readonly idempotentPosts: boolean;
  /** First computed delay; it doubles on every retry. */
  readonly baseDelayMs: number;
  /** Absolute jitter: the computed delay moves by up to ± this much. */
  readonly jitterMs: number;
  /** No delay, computed or server-given, is longer than this. */
  readonly maxDelayMs: number;
  /** No delay is shorter than this (0 keeps Python's immediate retry on `Retry-After: 0`). */
  readonly minDelayMs: number;
}

/**
 * Python parity: GETs only, 429 only, 3 retries, 1/2/4 s ± 0.25 s, `Retry-After` seconds rounded
 * up, every delay capped at 30 s. `Retry-After: 0` retries at once, as Python does.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxRetries: 3,
  statuses: Object.freeze([429]),
  networkErrors: false,
  timeouts: false,
  idempotentPosts: false,
  baseDelayMs: 1000,
  jitterMs: 250,
  maxDelayMs: 30_000,
  minDelayMs: 0,
});

/**
 * Opt-in wider net: 408, 429 and 5xx gateway statuses, network errors and timeouts, for GETs and
 * for POSTs declared idempotent. A 250 ms floor keeps a `Retry-After: 0` from the platform's
 * fixed-window limiter from turning into a burst.
 */
export const WIDE_RETRY_POLICY: RetryPolicy = Object.freeze({
  ...DEFAULT_RETRY_POLICY,
  statuses: Object.freeze([408, 429, 500, 502, 503, 504]),
  networkErrors: true,
  timeouts: true,
  idempotentPosts: true,
  minDelayMs: 250,
});

/** Never retry. */
export const NO_RETRY_POLICY: RetryPolicy = Object.freeze({ ...DEFAULT_RETRY_POLICY, maxRetries: 0 });

/** The `retry` option of the client: a preset name or a policy (missing fields from the default). */
export type RetryOption = 'default' | 'wide' | 'none' | Partial<RetryPolicy>;

/** Turns the `retry` option into a complete policy; delays beyond a day are a ConfigError. */
export function resolveRetryPolicy(option: RetryOption | undefined): RetryPolicy {
  if (option === undefined || option === 'default') return DEFAULT_RETRY_POLICY;
  if (option === 'wide') return WIDE_RETRY_POLICY;
  if (option === 'none') return NO_RETRY_POLICY;
  const policy = Object.freeze({ ...DEFAULT_RETRY_POLICY, ...option });
  for (const key of ['baseDelayMs', 'jitterMs', 'maxDelayMs', 'minDelayMs'] as const) {
    checkDuration(`retry.${key}`, policy[key], { allowZero: true });
  }
  return policy;
}

/** How one attempt ended, as far as retrying is concerned. */
export type AttemptOutcome =
  | { kind: 'status'; status: number; headers: ResponseHeaders }
  | { kind: 'network' }
  | { kind: 'timeout' };

export interface RetryInput {
  policy: RetryPolicy;
  /** Attempts made so far, including the one that just ended (1 after the first). */
  attempt: number;
  method: string;
  /** GETs are idempotent; a POST only when the caller says so. */
  idempotent: boolean;
  outcome: AttemptOutcome;
  /** Now, for `Retry-After` HTTP dates. */
  nowMs: number;
  random: Random;
}

function clamp(ms: number, policy: RetryPolicy): number {
  return Math.min(Math.max(ms, policy.minDelayMs, 0), policy.maxDelayMs);
}

/**
 * The computed backoff before retry number `attempt` (1-based):
 * `base·2^(attempt−1) + jitter·(2r−1)`, truncated to whole ms, within [min, max].
 * With `r = 0.5` the defaults give exactly 1000, 2000, 4000.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: Random): number {
  let r = random();
  if (!Number.isFinite(r) || r < 0 || r >= 1) r = 0.5; // a broken Random must not break the delay
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ms = Math.trunc(policy.baseDelayMs * 2 ** exponent + policy.jitterMs * (2 * r - 1));
  return clamp(ms, policy);
}

/**
 * Decides whether to try again and after how long. Returns the delay in milliseconds, or `null`
 * to give up (the caller then reports the last outcome).
 */
export function retryDelay(input: RetryInput): number | null {
  const { policy, attempt, method, idempotent, outcome } = input;
  if (attempt > policy.maxRetries) return null;
  const writable = method.toUpperCase() !== 'GET' && method.toUpperCase() !== 'HEAD';
  if (!idempotent || (writable && !policy.idempotentPosts)) return null;
  switch (outcome.kind) {
    case 'network':
      return policy.networkErrors ? backoffDelay(policy, attempt, input.random) : null;
    case 'timeout':
      return policy.timeouts ? backoffDelay(policy, attempt, input.random) : null;
    case 'status': {
      if (!policy.statuses.includes(outcome.status)) return null;
      const asked = parseRetryAfter(outcome.headers, input.nowMs);
      return asked === undefined ? backoffDelay(policy, attempt, input.random) : clamp(asked, policy);
    }
  }
}
