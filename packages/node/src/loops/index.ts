export { type ProcessSignalOptions, stopOnProcessSignals } from './process-signals.js';
export {
  type NodeAgentLoopOptions,
  type NodeHeartbeatLoopOptions,
  runAgentLoop,
  runHeartbeatLoop,
} from './run-loops.js';
