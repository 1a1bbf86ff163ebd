import type { ProcessRunner, RunOptions, RunResult } from '../ports/process-runner.js';
import { assert, type TestApi } from './harness.js';

/** What a runtime hands the {@link testProcessRunner} suite. */
export interface ProcessRunnerContractSubject {
  runner: ProcessRunner;
  /** An existing directory (its real path, symlinks resolved) to run in. */
  cwd: string;
  /** `PATH` for the children (must find `bash`, `sleep`, `kill`, `ps`). */
  path: string;
  dispose?(): Promise<void>;
}

interface Captured {
  result: RunResult;
  stdout: string[];
  stderr: string[];
}

async function capture(runner: ProcessRunner, options: Omit<RunOptions, 'onOutput'>): Promise<Captured> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const result = await runner.run({
    ...options,
    onOutput: (stream, line) => (stream === 'stdout' ? stdout : stderr).push(line),
  });
  return { result, stdout, stderr };
}

/** A bash snippet that prints `gone` when process `$1` no longer runs (a zombie counts as gone). */
const PROCESS_STATE =
  'p=$1; if [ -r /proc/$p/stat ]; then s=$(sed "s/.*) //" /proc/$p/stat | cut -c1); else s=$(ps -o stat= -p $p 2>/dev/null | cut -c1); fi; ' +
  'if [ -z "$s" ] || [ "$s" = Z ]; then echo gone; else echo alive; fi';

/** Fails unless process `pid` no longer runs (asked through the subject's own runner). */
async function assertGone(
  subject: Omit<ProcessRunnerContractSubject, 'dispose'>,
  pid: string,
): Promise<void> {
  const state = await capture(subject.runner, {
    argv: ['bash', '-c', PROCESS_STATE, 'state', pid],
    cwd: subject.cwd,
    env: { PATH: subject.path },
    timeoutMs: 10_000,
  });
  assert.deepEqual(state.stdout, ['gone'], 'the grandchild is gone');
}

/**
 * The behaviour every {@link ProcessRunner} must have: exact argv/cwd/env, exit codes, line-split
 * output, a timeout or abort that kills the whole process group (grandchildren included), and
 * nothing of the group left running once the program has exited.
 */
export function testProcessRunner(api: TestApi, factory: () => Promise<ProcessRunnerContractSubject>): void {
  const { describe, it } = api;
  const withSubject =
    (fn: (subject: ProcessRunnerContractSubject) => Promise<void>) => async (): Promise<void> => {
      const subject = await factory();
      try {
        await fn(subject);
      } finally {
        await subject.dispose?.();
      }
    };

  describe('ProcessRunner contract', () => {
    it(
      'runs argv in cwd with exactly the given environment',
      withSubject(async ({ runner, cwd, path }) => {
        const { result, stdout } = await capture(runner, {
          argv: [
            'bash',
            '-c',
            'pwd -P; echo "A=$A"; echo "UNLISTED=$(printenv UNLISTED || echo unset)"; echo "$0 $1"',
            'zero',
            'one two',
          ],
          cwd,
          env: { PATH: path, A: 'value with spaces' },
          timeoutMs: 10_000,
        });
        assert.deepEqual(
          stdout,
          [cwd, 'A=value with spaces', 'UNLISTED=unset', 'zero one two'],
          'stdout lines',
        );
        assert.deepEqual([result.exitCode, result.signal, result.timedOut], [0, null, false], 'exit');
        assert.ok(result.durationMs >= 0, 'a duration');
      }),
    );

    it(
      'reports a non-zero exit code',
      withSubject(async ({ runner, cwd, path }) => {
        const { result } = await capture(runner, {
          argv: ['bash', '-c', 'exit 3'],
          cwd,
          env: { PATH: path },
          timeoutMs: 10_000,
        });
        assert.deepEqual([result.exitCode, result.signal, result.timedOut], [3, null, false], 'exit');
      }),
    );

    it(
      'splits stdout and stderr into lines, across writes, and flushes a last unterminated line',
      withSubject(async ({ runner, cwd, path }) => {
        const { stdout, stderr } = await capture(runner, {
          argv: ['bash', '-c', "printf 'a\\nb'; sleep 0.05; printf 'c\\r\\n' >&2; printf 'd\\n\\ne'"],
          cwd,
          env: { PATH: path },
          timeoutMs: 10_000,
        });
        assert.deepEqual(stdout, ['a', 'bd', '', 'e'], 'stdout lines');
        assert.deepEqual(stderr, ['c'], 'stderr lines');
      }),
    );

    it(
      'on timeout kills the whole process group, grandchildren included',
      withSubject(async ({ runner, cwd, path }) => {
        const script = 'trap "" TERM; (trap "" TERM; exec sleep 300) & echo $!; sleep 300';
        const { result, stdout } = await capture(runner, {
          argv: ['bash', '-c', script],
          cwd,
          env: { PATH: path },
          timeoutMs: 300,
        });
        assert.equal(result.timedOut, true, 'timedOut');
        assert.equal(result.exitCode, null, 'no exit code when killed');
        assert.ok(result.signal !== null, 'a signal');
        const grandchild = assert.present(stdout[0], 'the grandchild pid to be printed');
        assert.ok(/^\d+$/.test(grandchild), 'a numeric grandchild pid');
        await assertGone({ runner, cwd, path }, grandchild);
      }),
    );

    it(
      'aborting kills the group and rejects',
      withSubject(async ({ runner, cwd, path }) => {
        const controller = new AbortController();
        const lines: string[] = [];
        const running = runner.run({
          argv: ['bash', '-c', '(exec sleep 300) & echo $!; sleep 300'],
          cwd,
          env: { PATH: path },
          timeoutMs: 60_000,
          signal: controller.signal,
          onOutput: (_stream, line) => {
            lines.push(line);
            controller.abort(new Error('stop'));
          },
        });
        await assert.rejects(running, () => true, 'run() after abort');
        const grandchild = assert.present(lines[0], 'the grandchild pid to be printed');
        await assertGone({ runner, cwd, path }, grandchild);
      }),
    );

    it(
      'kills the background processes the program left running as soon as it exits, without waiting for them',
      withSubject(async ({ runner, cwd, path }) => {
        const { result, stdout } = await capture(runner, {
          argv: ['bash', '-c', '(trap "" TERM HUP; exec sleep 300) & echo $!; echo done'],
          cwd,
          env: { PATH: path },
          timeoutMs: 60_000,
        });
        assert.equal(result.exitCode, 0, 'exit code');
        assert.equal(result.timedOut, false, 'not a timeout');
        assert.equal(stdout[1], 'done', 'output before exit');
        await assertGone(
          { runner, cwd, path },
          assert.present(stdout[0], 'the background pid to be printed'),
        );
      }),
    );

    it(
      'rejects when the program does not exist',
      withSubject(async ({ runner, cwd, path }) => {
        await assert.rejects(
          runner.run({ argv: ['definitely-not-a-program-xyz'], cwd, env: { PATH: path }, timeoutMs: 10_000 }),
          () => true,
          'run() of a missing program',
        );
      }),
    );
  });
}
