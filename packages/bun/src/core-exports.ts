// What an agent needs from the core, re-exported so that a Bun agent imports from one package:
// the client, its options and results, the error classes, `replyToMessage`, and the types of this
// package's own loops and installs.
export * from '@molecule-ai/agent-core';
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
