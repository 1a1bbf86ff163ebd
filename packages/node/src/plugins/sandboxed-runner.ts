import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '@molecule-ai/agent-core';
import type { ProcessRunner, RunOptions, RunResult } from '@molecule-ai/agent-core/ports';
import { defaultMoleculeDirectory } from '../stores/paths.js';

/** What the `setup.sh` sandbox hides, and where bubblewrap is. */
export interface SetupSandboxOptions {
  /**
   * Folders `setup.sh` must not see: each is replaced by an empty one inside the sandbox (the
   * plugin's own folder stays visible even when it lies below). Default: the token folder,
   * `MOLECULE_TOKEN_DIR` or `~/.molecule`.
   */
  hide?: readonly string[] | undefined;
  /** The bubblewrap program. Default: `bwrap` looked up on this process's `PATH`. */
  bwrap?: string | undefined;
}

/** Options of {@link createSandboxedRunner}. */
export interface SandboxedRunnerOptions extends SetupSandboxOptions {
  /** The runner that starts bubblewrap (its process group, timeout and output handling apply). */
  runner: ProcessRunner;
}

function findOnPath(program: string, pathVariable: string | undefined): string | undefined {
  if (program.includes('/')) return existsSync(program) ? resolve(program) : undefined;
  for (const directory of (pathVariable ?? '').split(delimiter)) {
    if (directory === '') continue;
    const candidate = join(directory, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The token folder the sandbox hides by default: `MOLECULE_TOKEN_DIR`, else `~/.molecule`. */
export function defaultSandboxHiddenPaths(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string[] {
  const tokenDir = env.MOLECULE_TOKEN_DIR;
  return [tokenDir !== undefined && tokenDir !== '' ? resolve(tokenDir) : defaultMoleculeDirectory()];
}

/** A {@link ProcessRunner} inside bubblewrap, which can be checked before anything is installed. */
export interface SandboxedRunner extends ProcessRunner {
  /** Resolves when bubblewrap is there and works; rejects with the `ConfigError` every run would. */
  ready(): Promise<void>;
}

/** Runs `bwrap` with `args` once and resolves with its stderr when it fails, `null` when it works. */
function probe(bwrap: string, args: string[]): Promise<string | null> {
  return new Promise((done) => {
    execFile(bwrap, args, { timeout: 30_000 }, (error, _stdout, stderr) =>
      done(error === null ? null : (stderr.trim() || error.message).slice(0, 300)),
    );
  });
}

const NAMESPACES = ['--unshare-pid', '--die-with-parent', '--new-session'];

/**
 * A {@link ProcessRunner} that runs each program inside a bubblewrap (`bwrap`) sandbox, through
 * `runner`. Inside, the file system is the host's, except that every folder in `hide` is an empty
 * one (so `setup.sh` cannot read the token file), the program's folder (`cwd`) stays visible and
 * writable, `/proc` belongs to a new PID namespace (so `/proc/<parent>/environ` and `cmdline` of
 * the agent are out of reach), and when the program exits everything it started dies with the
 * namespace, `setsid` daemons included. It still runs as the same user, with the network.
 *
 * Linux only. bubblewrap must be installed (Debian and Ubuntu: `apt-get install bubblewrap`) and
 * able to create namespaces; otherwise every run rejects with a `ConfigError` saying so,
 * before the program starts. Nothing falls back to running unsandboxed.
 *
 * @example
 * const runner = createSandboxedRunner({ runner: createProcessRunner(), hide: ['/srv/molecule'] });
 */
export function createSandboxedRunner(options: SandboxedRunnerOptions): SandboxedRunner {
  const hide = (options.hide ?? defaultSandboxHiddenPaths()).map((path) => resolve(path));
  let ready: Promise<string> | undefined;

  /** The bwrap path once it is known to work here; a ConfigError otherwise. */
  function checkBwrap(): Promise<string> {
    ready ??= (async () => {
      if (process.platform !== 'linux') {
        throw new ConfigError(`the setup.sh sandbox needs Linux (bubblewrap); this is ${process.platform}`);
      }
      const bwrap = findOnPath(options.bwrap ?? 'bwrap', process.env.PATH);
      if (bwrap === undefined) {
        throw new ConfigError(
          `the setup.sh sandbox needs bubblewrap, and ${JSON.stringify(options.bwrap ?? 'bwrap')} was not found ` +
            `${options.bwrap?.includes('/') ? '' : 'on PATH '}(Debian/Ubuntu: apt-get install bubblewrap); ` +
            'install it, or run without the sandbox',
        );
      }
      const failure = await probe(bwrap, [
        '--bind',
        '/',
        '/',
        '--proc',
        '/proc',
        ...NAMESPACES,
        '--',
        'true',
      ]);
      if (failure !== null) {
        throw new ConfigError(
          `the setup.sh sandbox cannot start: ${bwrap} failed (${failure}); user namespaces may be disabled here`,
        );
      }
      return bwrap;
    })();
    // A failed check is not remembered: the next install may find bubblewrap installed.
    ready.catch(() => {
      ready = undefined;
    });
    return ready;
  }

  return {
    name: `sandboxed(${options.runner.name})`,
    async ready() {
      await checkBwrap();
    },
    async run(run: RunOptions): Promise<RunResult> {
      const bwrap = await checkBwrap();
      if (!isAbsolute(run.cwd))
        throw new ConfigError(`the sandboxed program needs an absolute cwd, got ${run.cwd}`);
      const real = realpathSync(run.cwd);
      const args = ['--bind', '/', '/'];
      for (const path of hide) if (existsSync(path)) args.push('--tmpfs', path);
      // The program's own folder, where it is and where it appears to be (a plugin is a link).
      args.push('--bind', real, real);
      if (real !== run.cwd) args.push('--bind', real, run.cwd);
      args.push('--dev', '/dev', '--proc', '/proc', ...NAMESPACES, '--chdir', run.cwd, '--');
      return options.runner.run({ ...run, argv: [bwrap, ...args, ...run.argv] });
    },
  };
}

/** Whether `MOLECULE_SETUP_SANDBOX` asks for the sandbox (`1`, `true`, `yes`). */
function sandboxFromEnvironment(env: Readonly<Record<string, string | undefined>>): boolean {
  return /^(1|true|yes|on)$/i.test(env.MOLECULE_SETUP_SANDBOX ?? '');
}

/**
 * `runner`, or `runner` inside the sandbox when `sandbox` (or `MOLECULE_SETUP_SANDBOX`) asks for
 * it and `setup.sh` will run; the sandbox is checked here, so a missing bubblewrap fails the
 * install before anything is downloaded. What `installPlugin` does on Node and on Bun.
 */
export async function withSetupSandbox(
  runner: ProcessRunner,
  options: {
    sandbox?: boolean | SetupSandboxOptions | undefined;
    runSetup?: boolean | undefined;
    env?: Readonly<Record<string, string | undefined>>;
  },
): Promise<ProcessRunner> {
  const sandbox = options.sandbox ?? sandboxFromEnvironment(options.env ?? process.env);
  if (sandbox === false || options.runSetup === false) return runner;
  const sandboxed = createSandboxedRunner({ runner, ...(sandbox === true ? {} : sandbox) });
  await sandboxed.ready();
  return sandboxed;
}
