// What an agent needs from the core, re-exported so that a Worker imports from one package: the
// client, its options and results, the error classes and `replyToMessage`.
export * from '@molecule-ai/agent-core';
