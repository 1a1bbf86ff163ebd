import type { MessageHandler } from '@molecule-ai/agent-core';
import {
  type AgentHandlerContext,
  type AgentLoopClient,
  type AgentLoopWithPortsOptions,
  type HeartbeatLoopWithPortsOptions,
  type LoopRun,
  runAgentLoopWithPorts as runCoreAgentLoop,
  runHeartbeatLoopWithPorts as runCoreHeartbeatLoop,
} from '@molecule-ai/agent-core/loops';
import { createStderrLogger } from '../agent/stderr-logger.js';
import { type ProcessSignalOptions, stopOnProcessSignals } from './process-signals.js';

/** Options of the Node {@link runAgentLoop}: core's, plus process signal handling. */
export type AgentLoopOptions<Client extends AgentLoopClient = AgentLoopClient> =
  AgentLoopWithPortsOptions<Client> & ProcessSignalOptions;

/** Options of the Node {@link runHeartbeatLoop}. */
export type HeartbeatLoopOptions = HeartbeatLoopWithPortsOptions & ProcessSignalOptions;

/**
 * Core's `runAgentLoopWithPorts`, with SIGINT and SIGTERM wired to `stop()`: in-flight handlers finish,
 * the cursor is saved, and the loop resolves with reason `aborted`. A second signal ends the
 * process at once. Pass `stopSignals: []` to handle signals yourself. Warnings and errors (a
 * handler that throws, say) go to stderr unless you pass a `logger` (`MOLECULE_LOG` sets the level).
 */
export function runAgentLoop<Client extends AgentLoopClient>(
  handler: MessageHandler<AgentHandlerContext<Client>>,
  options: AgentLoopOptions<Client>,
): LoopRun {
  const { stopSignals, onSignal, ...core } = options;
  const run = runCoreAgentLoop(handler, { ...core, logger: core.logger ?? createStderrLogger() });
  stopOnProcessSignals(run, { stopSignals, onSignal });
  return run;
}

/** Core's `runHeartbeatLoopWithPorts`, with SIGINT and SIGTERM wired to `stop()` (see {@link runAgentLoop}). */
export function runHeartbeatLoop(options: HeartbeatLoopOptions): LoopRun {
  const { stopSignals, onSignal, ...core } = options;
  const run = runCoreHeartbeatLoop({ ...core, logger: core.logger ?? createStderrLogger() });
  stopOnProcessSignals(run, { stopSignals, onSignal });
  return run;
}
