import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type SimHarness, startSim } from '../sim.js';
import { makeTempDirectory } from '../stores/helpers.js';
import { requireBuiltCli } from './cli-process.js';

/** What {@link useCliSandbox} provides to the tests of a file. */
export interface CliSandbox {
  /** One simulator for the whole file. */
  readonly platform: SimHarness;
  /** A fresh temp directory per test, used as the CLI's HOME. */
  readonly home: { path: string; remove(): Promise<void> };
}

/**
 * Registers the hooks the CLI tests share: the built CLI is required and one simulator runs for
 * the file; every test gets a fresh temp HOME (named `homePrefix…`), removed afterwards.
 */
export function useCliSandbox(homePrefix: string): CliSandbox {
  let platform: SimHarness | undefined;
  let home: CliSandbox['home'] | undefined;
  beforeAll(async () => {
    requireBuiltCli();
    platform = await startSim();
  });
  afterAll(async () => {
    await platform?.close();
  });
  beforeEach(async () => {
    home = await makeTempDirectory(homePrefix);
  });
  afterEach(async () => {
    await home?.remove();
  });
  return {
    get platform() {
      if (!platform) throw new Error('the simulator runs only inside tests');
      return platform;
    },
    get home() {
      if (!home) throw new Error('the temp HOME exists only inside tests');
      return home;
    },
  };
}
