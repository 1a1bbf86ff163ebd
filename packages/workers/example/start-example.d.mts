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
