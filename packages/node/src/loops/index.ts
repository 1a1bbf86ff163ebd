export { type ProcessSignalOptions, stopOnProcessSignals } from './process-signals.js';
export {
  type AgentLoopOptions,
  type HeartbeatLoopOptions,
  runAgentLoop,
  runHeartbeatLoop,
} from './run-loops.js';
