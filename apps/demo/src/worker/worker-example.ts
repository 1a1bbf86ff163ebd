import { ConfigError } from '@molecule-ai/agent-core';
import type { StartedWorkerExample } from './worker-demo-frame.js';

/**
 * The Workers package's example (packages/workers/example): the simulator on a Node listener and
 * the example worker (an echo agent built with `defineAgentWorker`) in Miniflare.
 */
export interface RunningWorkerExample extends StartedWorkerExample {
  mf: {
    ready: Promise<URL>;
    getKVNamespace(
      binding: string,
    ): Promise<{ get(key: string): Promise<string | null>; put(key: string, value: string): Promise<void> }>;
  };
  workspaceId: string;
  crons: string[];
  /** Fires the worker's cron trigger once, as Cloudflare does every minute. */
  tick(): Promise<{ outcome: string; noRetry: boolean }>;
  /** A canvas message through the platform, which pushes it to the worker. */
  sendMessage(text: string): Promise<{ status: number; body: unknown }>;
}

/** The Durable Object variant: two workspaces in one Worker, one object each, on alarms. */
export interface RunningDurableWorkerExample extends StartedWorkerExample {
  workspaceIds: string[];
  crons: string[];
  /** Fires the cron once: it starts every listed agent that is not running. */
  startAll(): Promise<{ outcome: string; noRetry: boolean }>;
  /** Resolves once every object's first alarm has finished (registered, heartbeated). */
  whenOnline(timeoutMs?: number): Promise<void>;
  /** `POST /agents/<id>/<op>` with the control secret: the object's status. */
  control(
    workspaceId: string,
    op: 'start' | 'resume' | 'status',
  ): Promise<{
    running: boolean;
    nextAlarmAt: number | null;
    stopReason: string | null;
    registered: boolean;
  }>;
  sendMessage(workspaceId: string, text: string): Promise<{ status: number; body: unknown }>;
}

type StartExample = (options?: { log?: (line: string) => void }) => Promise<RunningWorkerExample>;
type StartDurableExample = (options?: {
  log?: (line: string) => void;
}) => Promise<RunningDurableWorkerExample>;

/** Loads the Durable Object example's launcher (see {@link loadWorkerExample}). */
export async function loadDurableWorkerExample(): Promise<StartDurableExample> {
  const module = (await importLauncher()) as { startDurableExample?: StartDurableExample };
  if (typeof module.startDurableExample !== 'function') {
    throw new ConfigError('the Workers example launcher has no startDurableExample()');
  }
  return module.startDurableExample;
}

async function importLauncher(): Promise<unknown> {
  const manifest = import.meta.resolve('@molecule-ai/agent-workers/package.json');
  const launcher = new URL('example/start-example.mjs', manifest);
  try {
    return await import(launcher.href);
  } catch (error) {
    throw new ConfigError(`the Workers example could not be loaded from ${launcher.pathname}`, {
      cause: error,
    });
  }
}

/**
 * Loads the example's launcher from the installed `@molecule-ai/agent-workers` package. The
 * example is not part of the package's API, so it is found next to the package's manifest.
 */
export async function loadWorkerExample(): Promise<StartExample> {
  const module = (await importLauncher()) as { startExample?: StartExample };
  if (typeof module.startExample !== 'function') {
    throw new ConfigError('the Workers example launcher has no startExample()');
  }
  return module.startExample;
}
