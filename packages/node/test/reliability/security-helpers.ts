/**
 * Shared pieces of the security attack tests: a real second user (uid 65534, `nobody`), real
 * FIFOs, and a child process running the current sources, killed if it hangs.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');

/** The other user files are given to: `nobody` on Debian and most Linux systems. */
export const OTHER_UID = 65534;

/** Hands `path` to the other user (the tests run as root, which may chown). */
export function giveToOtherUser(path: string): void {
  chownSync(path, OTHER_UID, OTHER_UID);
}

/** Creates a real FIFO at `path` with `mkfifo`. */
export function makeFifo(path: string): void {
  execFileSync('mkfifo', ['-m', '600', path]);
}

/** A fresh temp directory (0700, ours), removed by the returned cleanup. */
export function makeTempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

let bundled: Promise<{ script: string; remove: () => void }> | undefined;

/** test/reliability/fixtures/security-child.ts bundled with the current sources of core and node. */
export function securityChildScript(): Promise<{ script: string; remove: () => void }> {
  bundled ??= (async () => {
    const esbuild = await import('esbuild');
    const { dir, remove } = makeTempDir('security-child-');
    const script = join(dir, 'security-child.mjs');
    await esbuild.build({
      entryPoints: [join(here, 'fixtures/security-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: script,
      alias: {
        '@molecule-ai/agent-core/testing': join(repoRoot, 'packages/core/src/testing/index.ts'),
        // A folder, so that the subpaths (`@molecule-ai/agent-core/plugins`, ...) resolve to their index.ts.
        '@molecule-ai/agent-core': join(repoRoot, 'packages/core/src'),
      },
      logLevel: 'silent',
    });
    return { script, remove };
  })();
  return bundled;
}

/** What the child reported, or `hung: true` when it had to be killed after `killAfterMs`. */
export interface ChildOutcome {
  hung: boolean;
  ok?: boolean;
  value?: unknown;
  name?: string;
  message?: string;
}

/** Runs the security child with `args`; kills it (SIGKILL) if it has not finished after `killAfterMs`. */
export async function runSecurityChild(args: string[], killAfterMs = 15_000): Promise<ChildOutcome> {
  const { script } = await securityChildScript();
  const child: ChildProcess = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, killAfterMs);
  await new Promise<void>((done) => child.once('exit', () => done()));
  clearTimeout(timer);
  if (hung) return { hung };
  const line = stdout.trim().split('\n').at(-1);
  if (!line) throw new Error(`the child printed nothing; stderr: ${stderr}`);
  return { hung, ...(JSON.parse(line) as Omit<ChildOutcome, 'hung'>) };
}
