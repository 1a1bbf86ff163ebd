import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatformSim, type PlatformSim, type PlatformSimOptions } from '@molecule-ai/platform-sim';
import { startPlatformServer } from '@molecule-ai/platform-sim/node';

/**
 * What a sample run in this process needs around it (a simulator, a token folder, its MOLECULE_*
 * variables, its printed lines), each undone by {@link undoAll} after the test.
 */
const undo: (() => unknown)[] = [];

/** Undoes everything set up since the last call, newest first. */
export async function undoAll(): Promise<void> {
  for (const step of undo.splice(0).reverse()) await step();
}

/** Runs `step` at the next {@link undoAll}. */
export function afterTest(step: () => unknown): void {
  undo.push(step);
}

/** The simulator on a free local port. */
export async function startPlatform(options: PlatformSimOptions): Promise<{ sim: PlatformSim; url: string }> {
  const sim = createPlatformSim(options);
  const platform = await startPlatformServer(sim, { port: 0 });
  afterTest(() => platform.close());
  return { sim, url: platform.url };
}

/** A fresh folder for token and cursor files. */
export function tokenDirectory(): string {
  const path = mkdtempSync(join(tmpdir(), 'readme-sample-'));
  afterTest(() => rmSync(path, { recursive: true, force: true }));
  return path;
}

/** Sets environment variables, as the README's `export` lines do. */
export function setEnvironment(variables: Record<string, string>): void {
  const saved = { ...process.env };
  afterTest(() => {
    process.env = saved;
  });
  Object.assign(process.env, variables);
}

/** The lines the sample prints with `console.log`. */
export function printedLines(): string[] {
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.join(' '));
  afterTest(() => {
    console.log = log;
  });
  return printed;
}
