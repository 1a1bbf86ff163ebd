import type { WorkspaceStateLike } from './state-observation.js';

/** What the loop's heartbeat carries besides the workspace id (the client adds the uptime). */
export interface LoopHeartbeat {
  currentTask: string;
  /** A non-negative integer (a float is a 400). */
  activeTasks: number;
  /** Share of recent tasks that failed (0..1), when the task report has one. */
  errorRate?: number | undefined;
  /** One recent error message, when the task report has one. */
  sampleError?: string | undefined;
}

/** The part of the client the loops use (the agent client has all of it). */
export interface LoopClient {
  readonly workspaceId: string;
  heartbeat(report: LoopHeartbeat): Promise<unknown>;
  pollState(): Promise<WorkspaceStateLike>;
}
