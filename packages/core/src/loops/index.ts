/**
 * `@molecule-ai/agent-core/loops`: the agent's loops as pure decisions plus thin runners. The
 * long-running loops with their ports left open (`runAgentLoopWithPorts`,
 * `runHeartbeatLoopWithPorts`), one tick at a time for hosts that cannot keep a loop running
 * (`runAgentTick`, a Worker's cron tick or alarm), and the decision functions they share. Node and
 * Bun users call their runtime package's `runAgentLoop` / `runHeartbeatLoop` instead.
 */

export { type AgentTickContext, type AgentTickResult, runAgentTick } from './agent-tick.js';
export { type AgentTickContextOptions, createAgentTickContext } from './agent-tick-context.js';
export { type TickErrors, warnTickFailures } from './failure-warnings.js';
export type { LoopClient, LoopHeartbeat } from './loop-client.js';
export { classifyLoopFailure, type LoopFailure, type LoopFailureKind } from './loop-failure.js';
export { DEFAULT_LOOP_POLICY, type LoopPolicy, resolveLoopPolicy } from './loop-policy.js';
export { initialLoopState, type LoopState, type OperationSchedule } from './loop-state.js';
export { type LoopSaveContext, loopStateNeedsSaving } from './loop-state-needs-saving.js';
export {
  type DeliveryOutcome,
  type LoopAction,
  type LoopContext,
  type LoopEvent,
  loopRetryDelay,
  nextLoopAction,
  type OperationOutcome,
  type TickOutcome,
  type TickPlan,
} from './next-loop-action.js';
export {
  type AgentHandlerContext,
  type AgentLoopClient,
  type AgentLoopWithPortsOptions,
  type HeartbeatLoopWithPortsOptions,
  type LoopExit,
  type LoopOptions,
  type LoopRun,
  runAgentLoopWithPorts,
  runHeartbeatLoopWithPorts,
} from './run-loop.js';
export {
  observeState,
  observeStateError,
  type StateObservation,
  stopReasonForState,
  type WorkspaceStateLike,
} from './state-observation.js';
export { LOOP_STOP_REASONS, type LoopStopReason } from './stop-reason.js';
