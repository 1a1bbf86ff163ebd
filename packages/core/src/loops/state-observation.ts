import { ApiError } from '../errors.js';
import { classifyLoopFailure, type LoopFailure } from './loop-failure.js';
import type { LoopStopReason } from './stop-reason.js';

/** What one `/state` read told the loop. */
export type StateObservation =
  | { kind: 'state'; status: string; paused: boolean; deleted: boolean }
  | { kind: 'failed'; failure: LoopFailure };

/** The fields of a workspace state the loop looks at (the client's `pollState` result has them). */
export interface WorkspaceStateLike {
  status?: string | null;
  paused?: boolean | null;
  deleted?: boolean | null;
}

/** Turns a `pollState` result into an observation. */
export function observeState(state: WorkspaceStateLike): StateObservation {
  return {
    kind: 'state',
    status: typeof state.status === 'string' ? state.status : 'unknown',
    paused: state.paused === true,
    deleted: state.deleted === true,
  };
}

/**
 * Turns a `pollState` failure into an observation. A 404 whose body says `deleted: true` is the
 * platform's "deleted" answer, not a failure; an empty 404 is a misroute and stays a failure
 * (Python treated every 404 as deletion and exited on a proxy hiccup).
 */
export function observeStateError(error: unknown): StateObservation {
  if (error instanceof ApiError && error.status === 404) {
    const body = error.body as { deleted?: unknown; status?: unknown } | undefined;
    if (body !== null && typeof body === 'object' && body.deleted === true) {
      return {
        kind: 'state',
        status: typeof body.status === 'string' ? body.status : 'removed',
        paused: false,
        deleted: true,
      };
    }
  }
  return { kind: 'failed', failure: classifyLoopFailure(error) };
}

/** `deleted` wins over `paused`; anything else keeps the loop going. */
export function stopReasonForState(observation: StateObservation): LoopStopReason | null {
  if (observation.kind !== 'state') return null;
  if (observation.deleted || observation.status === 'removed') return 'deleted';
  if (observation.paused || observation.status === 'paused') return 'paused';
  return null;
}
