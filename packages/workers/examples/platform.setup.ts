// test/platform.setup.ts: vitest's globalSetup, run in Node: one simulator on a local port for the run.

import { createPlatformSim } from '@molecule-ai/platform-sim';
import { startPlatformServer } from '@molecule-ai/platform-sim/node';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  interface ProvidedContext {
    platformUrl: string;
    adminToken: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sim = createPlatformSim();
  const platform = await startPlatformServer(sim, { port: 0 });
  project.provide('platformUrl', platform.url);
  project.provide('adminToken', sim.adminToken);
  return () => platform.close();
}
