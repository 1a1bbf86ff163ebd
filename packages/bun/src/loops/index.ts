// The Node loop glue is plain core loops plus process.on('SIGINT' | 'SIGTERM') and
// process.kill(process.pid, signal) for the second signal, all of which Bun implements exactly
// (the Bun tests send real signals to a Bun child). So it is re-exported, not copied.
export {
  type AgentLoopOptions,
  type HeartbeatLoopOptions,
  type ProcessSignalOptions,
  runAgentLoop,
  runHeartbeatLoop,
  stopOnProcessSignals,
} from '@molecule-ai/agent-node';
