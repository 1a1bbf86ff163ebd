/**
 * How the Worker talks to its agent objects. The Worker's `fetch` sets both headers on every
 * request it forwards (overwriting whatever a caller sent), so a request from outside can only
 * ever reach an object as `push`, and only after its capability path was checked.
 */
export const OBJECT_OP_HEADER = 'x-molecule-agent-op';
/** The workspace the forwarded request is for (the object checks it against the one it serves). */
export const OBJECT_WORKSPACE_HEADER = 'x-molecule-workspace-id';

/** What a forwarded request asks the object to do. */
export type ObjectOp = 'push' | 'start' | 'resume' | 'status';

/** The control operations (everything but `push`). */
export const CONTROL_OPS: readonly ObjectOp[] = ['start', 'resume', 'status'];

/** What an agent object reports about itself (`status`, and the answer of `start` and `resume`). */
export interface AgentObjectStatus {
  workspaceId: string;
  /** An alarm is scheduled: the agent loop runs. */
  running: boolean;
  /** When the next alarm fires, epoch ms, or `null`. */
  nextAlarmAt: number | null;
  /** Why the agent stopped (`paused`, `deleted`, `revoked`), or `null`. */
  stopReason: string | null;
  /** The workspace registered and the loop started (its state is saved). */
  registered: boolean;
}

/** Storage keys of the agent inside its object (one object per workspace). */
export const OBJECT_KEYS = {
  workspace: 'workspace',
  loop: 'loop',
  stopped: 'stopped',
  registerFailures: 'register-failures',
  tokenPrefix: 'token:',
  cursorPrefix: 'cursor:',
} as const;
