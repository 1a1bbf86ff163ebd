import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** A fresh private temp directory; call the returned `remove` in afterEach. */
export async function makeTempDirectory(
  prefix = 'molecule-stores-',
): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Bundles a fixture script (TypeScript, importing the package source) into one ESM file that a
 * plain `node` child process can run, so child processes exercise the current source.
 */
export async function bundleFixture(name: string, outDirectory: string): Promise<string> {
  const entry = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
  const outfile = join(outDirectory, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** The finished child: exit code, signal and everything it printed. */
export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `node script ...args` and collects its output. */
export function startNode(
  script: string,
  args: string[],
): { child: ChildProcess; done: Promise<ChildResult> } {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Resolves with the first stdout line of `child` that satisfies `match`. */
export function waitForLine(child: ChildProcess, match: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer | string): void => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      const hit = lines.find(match);
      if (hit !== undefined) {
        child.stdout?.off('data', onData);
        resolve(hit);
      }
    };
    child.stdout?.on('data', onData);
    child.once('close', () => reject(new Error('child exited before printing the expected line')));
  });
}

/** A pid that belonged to a process which has exited (so the OS reports it gone). */
export async function deadPid(): Promise<number> {
  const { child, done } = startNode('-e', ['process.exit(0)']);
  await done;
  return child.pid ?? 0;
}
