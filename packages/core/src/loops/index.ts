export { type AgentStepContext, type AgentStepResult, performTick, runAgentStep } from './agent-step.js';
export { type AgentStepContextOptions, createAgentStepContext } from './agent-step-context.js';
export { type TickErrors, warnTickFailures } from './failure-warnings.js';
export type { LoopClient, LoopHeartbeat } from './loop-client.js';
export { classifyLoopFailure, type LoopFailure, type LoopFailureKind } from './loop-failure.js';
export { DEFAULT_LOOP_POLICY, type LoopPolicy, resolveLoopPolicy } from './loop-policy.js';
export { initialLoopState, type LoopState, type OperationSchedule } from './loop-state.js';
export {
  type DeliveryOutcome,
  type LoopAction,
  type LoopContext,
  type LoopEvent,
  loopRetryDelay,
  nextLoopAction,
  type OperationOutcome,
  planTick,
  type TickOutcome,
  type TickPlan,
} from './next-loop-action.js';
export {
  type AgentHandlerContext,
  type AgentLoopClient,
  type AgentLoopOptions,
  type HeartbeatLoopOptions,
  type LoopExit,
  type LoopOptions,
  type LoopRun,
  runAgentLoop,
  runHeartbeatLoop,
} from './run-loop.js';
export {
  observeState,
  observeStateError,
  type StateObservation,
  stopReasonForState,
  type WorkspaceStateLike,
} from './state-observation.js';
export { LOOP_STOP_REASONS, type LoopStopReason } from './stop-reason.js';
