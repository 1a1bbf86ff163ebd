import { afterEach, beforeEach, describe, expect, it } from 'bun:test';
import { realpath } from 'node:fs/promises';
import { AbortError, ConfigError } from '@molecule-ai/agent-core';
import type { RunOptions } from '@molecule-ai/agent-core/ports';
import { createProcessRunner } from '../../src/index.js';
import { makeTempDirectory } from '../helpers/temp-directory.js';

let temp: { path: string; remove(): Promise<void> };
let cwd: string;
const PATH = process.env.PATH ?? '/usr/bin:/bin';

beforeEach(async () => {
  temp = await makeTempDirectory('molecule-bun-runner-');
  cwd = await realpath(temp.path);
});
afterEach(async () => {
  await temp.remove();
});

async function run(options: Partial<RunOptions> & Pick<RunOptions, 'argv'>, runnerOptions = {}) {
  const lines: { stream: string; line: string }[] = [];
  const result = await createProcessRunner(runnerOptions).run({
    cwd,
    env: { PATH },
    timeoutMs: 10_000,
    onOutput: (stream, line) => lines.push({ stream, line }),
    ...options,
  });
  return { result, lines, stdout: lines.filter((l) => l.stream === 'stdout').map((l) => l.line) };
}

/** Whether `pid` is still a running (non-zombie) process. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = Bun.spawnSync(['ps', '-o', 'stat=', '-p', String(pid)])
    .stdout.toString()
    .trim();
  return stat !== '' && !stat.startsWith('Z');
}

describe('createProcessRunner', () => {
  it('starts the program as the leader of its own session and process group', async () => {
    const { stdout, result } = await run({
      argv: ['bash', '-c', 'echo $$; ps -o pgid= -p $$; ps -o sid= -p $$'],
    });
    expect(result.exitCode).toBe(0);
    const [pid, pgid, sid] = stdout.map((s) => s.trim());
    expect(pgid).toBe(pid);
    expect(sid).toBe(pid);
    expect(String(process.pid)).not.toBe(pgid);
  });

  it("never passes on this process's environment, however secret (the core decides the child's env)", async () => {
    process.env.MOLECULE_WORKSPACE_TOKEN = 'parent-secret-token';
    process.env.SENTINEL_FROM_PARENT = 'leak';
    try {
      const { stdout } = await run({
        argv: ['bash', '-c', 'env | sort'],
        env: { PATH, ONLY_THIS: 'yes' },
      });
      expect(stdout.join('\n')).not.toContain('parent-secret-token');
      expect(stdout.join('\n')).not.toContain('SENTINEL_FROM_PARENT');
      expect(stdout).toContain('ONLY_THIS=yes');
      // bash adds PWD, SHLVL and _ itself; nothing else beyond what it was given.
      const names = stdout
        .map((line) => line.split('=')[0])
        .filter((n) => !['PWD', 'SHLVL', '_'].includes(n!));
      expect(names.sort()).toEqual(['ONLY_THIS', 'PATH']);
    } finally {
      delete process.env.MOLECULE_WORKSPACE_TOKEN;
      delete process.env.SENTINEL_FROM_PARENT;
    }
  });

  it('looks argv[0] up on the PATH it is given, and runs no shell', async () => {
    const bin = `${cwd}/bin`;
    await Bun.$`mkdir -p ${bin}`;
    await Bun.write(`${bin}/only-here`, '#!/bin/sh\necho "found: $1"\n');
    await Bun.$`chmod 755 ${bin}/only-here`;
    const { stdout } = await run({
      argv: ['only-here', '$HOME; echo injected'],
      env: { PATH: `${bin}:${PATH}` },
    });
    expect(stdout).toEqual(['found: $HOME; echo injected']);
    await expect(
      createProcessRunner().run({ argv: ['only-here'], cwd, env: { PATH }, timeoutMs: 5_000 }),
    ).rejects.toBeInstanceOf(ConfigError);
  });

  it('on timeout, members of the group that outlive the program are killed at once, not after the grace', async () => {
    // The program dies on SIGTERM; its grandchild ignores SIGTERM. With a 60 s grace, run() can
    // only resolve quickly if the runner kills what is left of the group when the program exits.
    const { result, stdout } = await run(
      { argv: ['bash', '-c', '(trap "" TERM; exec sleep 300) & echo $!; sleep 300'], timeoutMs: 200 },
      { killGraceMs: 60_000 },
    );
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('SIGTERM');
    const grandchild = Number(stdout[0]);
    expect(grandchild).toBeGreaterThan(0);
    await Bun.sleep(50);
    expect(running(grandchild)).toBe(false);
  });

  it('background jobs the program started (nohup and TERM-proof ones too) are killed when it exits normally', async () => {
    const { result, stdout } = await run({
      argv: [
        'bash',
        '-c',
        'sleep 300 & echo $!; (trap "" TERM HUP; exec sleep 300) & echo $!; nohup sleep 300 >/dev/null 2>&1 & echo $!; echo done',
      ],
    });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(stdout[3]).toBe('done');
    const pids = stdout.slice(0, 3).map(Number);
    for (let i = 0; i < 100 && pids.some(running); i++) await Bun.sleep(20);
    expect(pids.filter(running)).toEqual([]);
  });

  it('a program that ignores SIGTERM gets SIGKILL after killGraceMs', async () => {
    const { result } = await run(
      { argv: ['bash', '-c', 'trap "" TERM; sleep 300 & wait; sleep 300'], timeoutMs: 100 },
      { killGraceMs: 200 },
    );
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
  });

  it('an abort rejects with AbortError carrying the reason', async () => {
    const controller = new AbortController();
    const reason = new Error('user stop');
    const running = createProcessRunner().run({
      argv: ['bash', '-c', 'echo started; sleep 300'],
      cwd,
      env: { PATH },
      timeoutMs: 60_000,
      signal: controller.signal,
      onOutput: () => controller.abort(reason),
    });
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe(reason);
    // An already aborted signal starts nothing.
    await expect(
      createProcessRunner().run({
        argv: ['true'],
        cwd,
        env: { PATH },
        timeoutMs: 1_000,
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(AbortError);
  });

  it('bounds memory: a line without a newline arrives in maxLineLength pieces, and bulk output passes through', async () => {
    const { stdout } = await run(
      { argv: ['bash', '-c', 'head -c 250000 /dev/zero | tr "\\0" x; echo; seq 1 20000'] },
      { maxLineLength: 100_000 },
    );
    expect(stdout.slice(0, 3).map((l) => l.length)).toEqual([100_000, 100_000, 50_000]);
    expect(stdout.slice(3)).toHaveLength(20_000);
    expect(stdout.at(-1)).toBe('20000');
  });

  it('decodes UTF-8 split across chunks and keeps stdout and stderr apart', async () => {
    const { lines } = await run({
      argv: ['bash', '-c', "printf 'caf\\xc3'; sleep 0.05; printf '\\xa9\\n'; echo err >&2"],
    });
    expect(lines).toContainEqual({ stream: 'stdout', line: 'café' });
    expect(lines).toContainEqual({ stream: 'stderr', line: 'err' });
  });
});
