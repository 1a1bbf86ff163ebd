// What an agent needs from the core, re-exported so that a Bun agent imports from one package:
// the client's options and results, the error classes, `replyToMessage`, and the types of this
// package's own `runAgent`, loops and installs. (The core's `createAgentClient` is shadowed by this
// package's, which fills in defaults.)
export * from '@molecule-ai/agent-core';
export type { AgentEvent, AgentExit, AgentHandler, RunAgentOptions } from '@molecule-ai/agent-core/agent';
export type {
  AgentHandlerContext,
  AgentLoopClient,
  LoopExit,
  LoopRun,
  LoopStopReason,
} from '@molecule-ai/agent-core/loops';
export type {
  InstallPluginResult,
  PluginInstallProgress,
  SetupResult,
} from '@molecule-ai/agent-core/plugins';
