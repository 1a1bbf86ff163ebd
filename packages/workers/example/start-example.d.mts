import type { PlatformSim } from '@molecule-ai/platform-sim';
import type { PlatformServer } from '@molecule-ai/platform-sim/node';
import type { Miniflare } from 'miniflare';

/** The running example: the simulator on a Node listener and the worker in Miniflare. */
export interface RunningExample {
  sim: PlatformSim;
  platform: PlatformServer;
  mf: Miniflare;
  workspaceId: string;
  crons: string[];
  /** Fires the worker's cron trigger once. */
  tick(): Promise<{ outcome: string; noRetry: boolean }>;
  /** Sends a canvas message through the platform, which pushes it to the worker. */
  sendMessage(text: string): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export function startExample(options?: { log?: (line: string) => void }): Promise<RunningExample>;

/** The running Durable Object example: two workspaces, one object each, in one Worker. */
export interface RunningDurableExample {
  sim: PlatformSim;
  platform: PlatformServer;
  mf: Miniflare;
  workspaceIds: string[];
  crons: string[];
  /** Fires the cron once: it starts every listed agent that is not running. */
  startAll(): Promise<{ outcome: string; noRetry: boolean }>;
  /** Resolves once every workspace is online. */
  whenOnline(timeoutMs?: number): Promise<void>;
  /** `POST /agents/<id>/<op>` with the control secret; the object's status. */
  control(
    workspaceId: string,
    op: 'start' | 'resume' | 'status',
  ): Promise<{
    workspaceId: string;
    running: boolean;
    nextAlarmAt: number | null;
    stopReason: string | null;
    registered: boolean;
  }>;
  /** Sends a canvas message through the platform, which pushes it to the workspace's object. */
  sendMessage(workspaceId: string, text: string): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export function startDurableExample(options?: {
  log?: (line: string) => void;
}): Promise<RunningDurableExample>;
