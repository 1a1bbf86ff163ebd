// The Node loop glue is plain core loops plus process.on('SIGINT' | 'SIGTERM') and
// process.kill(process.pid, signal) for the second signal, all of which Bun implements exactly
// (the Bun tests send real signals to a Bun child). So it is re-exported, not copied.
import type { AgentLoopClient } from '@molecule-ai/agent-core';
import type { NodeAgentLoopOptions, NodeHeartbeatLoopOptions } from '@molecule-ai/agent-node';

export {
  type ProcessSignalOptions,
  runAgentLoop,
  runHeartbeatLoop,
  stopOnProcessSignals,
} from '@molecule-ai/agent-node';

/** Options of {@link runAgentLoop}: the core loop's, plus `stopSignals` and `onSignal`. */
export type BunAgentLoopOptions<Client extends AgentLoopClient = AgentLoopClient> =
  NodeAgentLoopOptions<Client>;

/** Options of {@link runHeartbeatLoop}: the core loop's, plus `stopSignals` and `onSignal`. */
export type BunHeartbeatLoopOptions = NodeHeartbeatLoopOptions;
