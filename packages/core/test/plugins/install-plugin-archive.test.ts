import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AbortError, ConfigError, IntegrityError, UnsafeArchiveError } from '../../src/errors.js';
import { installPluginArchive } from '../../src/plugins/install-plugin-archive.js';
import type { PluginInstallProgress } from '../../src/plugins/install-types.js';
import { computePluginManifestHash } from '../../src/plugins/manifest-hash.js';
import type { Logger } from '../../src/ports/logger.js';
import type { PluginSink } from '../../src/ports/plugin-sink.js';
import type { ProcessRunner, RunOptions, RunResult } from '../../src/ports/process-runner.js';
import { LINKED_PLUGIN, LINKED_PLUGIN_PYTHON_SHA256 } from '../../src/testing/linked-plugin.js';
import { createMemoryPluginSink, type MemoryPluginSink } from '../../src/testing/memory-plugin-sink.js';
import { buildTestTar, streamOfBytes, type TestTarEntry } from '../../src/testing/test-archives.js';
import { gnuTar } from './archive-tools.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** A runner that records what it was asked to run and answers with a fixed result. */
function recordingRunner(result: Partial<RunResult> = {}): ProcessRunner & { calls: RunOptions[] } {
  const calls: RunOptions[] = [];
  return {
    name: 'recording',
    calls,
    async run(options) {
      calls.push(options);
      options.onOutput?.('stdout', 'setting up');
      return { exitCode: 0, signal: null, timedOut: false, durationMs: 5, ...result };
    },
  };
}

function gz(entries: readonly TestTarEntry[]): Uint8Array {
  return gzipSync(buildTestTar(entries));
}

function files(sink: MemoryPluginSink, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, node] of sink.installed(name) ?? [])
    if (node.kind === 'file') out[path] = new TextDecoder().decode(node.data);
  return out;
}

async function manifestOf(tree: Record<string, string>): Promise<string> {
  return computePluginManifestHash(
    Object.entries(tree).map(([path, content]) => ({ path, bytes: text(content) })),
  );
}

async function installedVersion(sink: MemoryPluginSink, name: string, content: string): Promise<void> {
  await installPluginArchive(streamOfBytes(gz([{ name: 'version.txt', content }])), {
    name,
    sink,
    runSetup: false,
  });
}

describe('installPluginArchive', () => {
  it('installs a GNU tar archive: files, directories, modes, counts and progress', async () => {
    const archive = gzipSync(
      gnuTar('gnu', {
        'plugin.yaml': 'name: demo\n',
        'skills/a/SKILL.md': '# A\n',
        'run.sh': 'echo\n',
        empty: { dir: true },
      }),
    );
    const sink = createMemoryPluginSink();
    const events: PluginInstallProgress[] = [];
    const result = await installPluginArchive(streamOfBytes(archive, 100), {
      name: 'demo',
      sink,
      runSetup: false,
      contentLength: archive.length,
      onProgress: (event) => events.push({ ...event }),
    });
    expect(files(sink, 'demo')).toEqual({
      'plugin.yaml': 'name: demo\n',
      'skills/a/SKILL.md': '# A\n',
      'run.sh': 'echo\n',
    });
    const tree = sink.installed('demo')!;
    expect(tree.get('run.sh')).toMatchObject({ kind: 'file', mode: 0o755 });
    expect(tree.get('empty')).toEqual({ kind: 'directory', mode: 0o755 });
    expect(result).toMatchObject({
      name: 'demo',
      path: 'memory://plugins/demo',
      files: 3,
      directories: 3,
      symlinks: 0,
      bytes: 20,
      compressedBytes: archive.length,
      manifestSha256: null,
      verifiedWith: null,
      setup: null,
    });
    const phases = [...new Set(events.map((e) => e.phase))];
    expect(phases).toEqual(['lock', 'download', 'verify', 'swap', 'done']);
    expect(events.at(-1)).toMatchObject({
      bytesDownloaded: archive.length,
      totalBytes: archive.length,
      bytesWritten: 20,
    });
    expect(sink.openStagingAreas).toBe(0);
  });

  it('a refused entry fails the whole install, names entry and rule, keeps the previous version, discards staging', async () => {
    const sink = createMemoryPluginSink();
    await installedVersion(sink, 'demo', 'v1');
    const runner = recordingRunner();
    const error = await installPluginArchive(
      streamOfBytes(
        gz([
          { name: 'version.txt', content: 'v2' },
          { name: 'setup.sh', content: 'echo pwned' },
          { name: '../escape.txt', content: 'x' },
        ]),
      ),
      { name: 'demo', sink, runner },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect(error).toMatchObject({ rule: 'path-traversal', entry: '../escape.txt' });
    expect(files(sink, 'demo')).toEqual({ 'version.txt': 'v1' });
    expect(sink.openStagingAreas).toBe(0);
    expect(runner.calls).toHaveLength(0);
  });

  it('checks the name, the pinned hash and the options before any I/O', async () => {
    const touched: string[] = [];
    const sink: PluginSink = {
      name: 'tripwire',
      lock: async () => {
        touched.push('lock');
        return async () => {};
      },
      cleanup: async () => void touched.push('cleanup'),
      beginStaging: async () => {
        touched.push('beginStaging');
        throw new Error('unreachable');
      },
      installedPath: async () => null,
    };
    let cancelled = 0;
    const body = () =>
      new ReadableStream<Uint8Array>({
        cancel() {
          cancelled += 1;
        },
      });
    const attempts = [
      { name: '../evil', sink, runSetup: false },
      { name: '.hidden', sink, runSetup: false },
      { name: 'ok', sink, runSetup: false, expectedSha256: 'ABC' },
      { name: 'ok', sink, runSetup: false, expectedSha256: 'A'.repeat(64) },
      { name: 'ok', sink },
      { name: 'ok', sink, runSetup: false, env: { MOLECULE_WORKSPACE_TOKEN: 'x' } },
      { name: 'ok', sink, runSetup: false, policy: { maxBytes: -1 } },
      { name: 'ok', sink, runner: recordingRunner(), setupTimeoutMs: 0 },
    ];
    for (const options of attempts) {
      await expect(
        installPluginArchive(body(), options),
        JSON.stringify(options.name),
      ).rejects.toBeInstanceOf(ConfigError);
    }
    expect(touched).toEqual([]);
    expect(cancelled).toBe(attempts.length);
  });

  it('refuses a Content-Length above the compressed cap before reading a byte', async () => {
    const sink = createMemoryPluginSink();
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(10));
      },
    });
    const error = await installPluginArchive(body, {
      name: 'big',
      sink,
      runSetup: false,
      contentLength: 2_000_000,
      policy: { maxCompressedBytes: 1_000_000 },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ rule: 'max-compressed-bytes' });
    expect(pulled).toBeLessThanOrEqual(1);
    expect(sink.installed('big')).toBeNull();
  });

  it('stops at maxBytes and maxEntries, naming the limit', async () => {
    const sink = createMemoryPluginSink();
    const tooBig = await installPluginArchive(
      streamOfBytes(
        gz([
          { name: 'a.bin', content: 'x'.repeat(600) },
          { name: 'b.bin', content: 'y'.repeat(600) },
        ]),
      ),
      { name: 'p', sink, runSetup: false, policy: { maxBytes: 1000 } },
    ).catch((e: unknown) => e);
    expect(tooBig).toMatchObject({ rule: 'max-bytes', entry: 'b.bin' });
    const tooMany = await installPluginArchive(
      streamOfBytes(gz(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}`, content: 'x' })))),
      { name: 'p', sink, runSetup: false, policy: { maxEntries: 5 } },
    ).catch((e: unknown) => e);
    expect(tooMany).toMatchObject({ rule: 'max-entries', entry: 'f5' });
    expect(sink.installed('p')).toBeNull();
  });

  it('refuses a corrupt download with nothing installed', async () => {
    const sink = createMemoryPluginSink();
    await installedVersion(sink, 'demo', 'v1');
    const error = await installPluginArchive(streamOfBytes(text('<html>oops</html>')), {
      name: 'demo',
      sink,
      runSetup: false,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ rule: 'corrupt-gzip' });
    expect(files(sink, 'demo')).toEqual({ 'version.txt': 'v1' });
  });
});

describe('installPluginArchive: integrity', () => {
  const tree = { 'rules.md': '# Rules\n', 'setup.sh': '#!/bin/bash\n' };

  it('verifies plugin.yaml sha256 over the staged tree and runs setup.sh after', async () => {
    const sink = createMemoryPluginSink();
    const runner = recordingRunner();
    const hash = await manifestOf(tree);
    expect(hash).toBe('38bd93611b8f1f2b3abb8cba218adffa0a078d8a65c76ea4cd087e150babf10d');
    const result = await installPluginArchive(
      streamOfBytes(
        gz([
          ...Object.entries(tree).map(([name, content]) => ({ name, content })),
          { name: 'plugin.yaml', content: `name: demo\nsha256: ${hash}\n` },
        ]),
      ),
      { name: 'demo', sink, runner },
    );
    expect(result).toMatchObject({ manifestSha256: hash, verifiedWith: 'plugin.yaml', setup: { ok: true } });
    expect(runner.calls).toHaveLength(1);
  });

  it('a plugin.yaml mismatch installs nothing, keeps the old version, and does not run setup.sh (Python deleted the old one first)', async () => {
    const sink = createMemoryPluginSink();
    await installedVersion(sink, 'demo', 'v1');
    const runner = recordingRunner();
    const error = await installPluginArchive(
      streamOfBytes(
        gz([
          ...Object.entries(tree).map(([name, content]) => ({ name, content })),
          { name: 'plugin.yaml', content: `sha256: ${'0'.repeat(64)}\n` },
        ]),
      ),
      { name: 'demo', sink, runner },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toMatch(/sha256 mismatch.*setup\.sh was NOT run/);
    expect(error).toMatchObject({ expected: '0'.repeat(64), actual: await manifestOf(tree) });
    expect(files(sink, 'demo')).toEqual({ 'version.txt': 'v1' });
    expect(runner.calls).toHaveLength(0);
  });

  it('the pinned expectedSha256 is required to match even when plugin.yaml has no sha256', async () => {
    const sink = createMemoryPluginSink();
    const archive = () =>
      streamOfBytes(gz(Object.entries(tree).map(([name, content]) => ({ name, content }))));
    const wrong = await installPluginArchive(archive(), {
      name: 'demo',
      sink,
      runSetup: false,
      expectedSha256: 'f'.repeat(64),
    }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(IntegrityError);
    expect(sink.installed('demo')).toBeNull();
    const right = await installPluginArchive(archive(), {
      name: 'demo',
      sink,
      runSetup: false,
      expectedSha256: await manifestOf(tree),
    });
    expect(right.verifiedWith).toBe('expectedSha256');
  });

  it('the pinned hash wins over plugin.yaml in both directions', async () => {
    const sink = createMemoryPluginSink();
    const hash = await manifestOf(tree);
    const warnings: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (message) => void warnings.push(message),
      error() {},
    };
    const withYaml = (sha: string) =>
      streamOfBytes(
        gz([
          ...Object.entries(tree).map(([name, content]) => ({ name, content })),
          { name: 'plugin.yaml', content: `sha256: ${sha}\n` },
        ]),
      );
    const result = await installPluginArchive(withYaml('1'.repeat(64)), {
      name: 'demo',
      sink,
      runSetup: false,
      expectedSha256: hash,
      logger,
    });
    expect(result.verifiedWith).toBe('expectedSha256');
    expect(warnings.join()).toContain('plugin.yaml sha256 does not match');
    await expect(
      installPluginArchive(withYaml(hash), {
        name: 'demo2',
        sink,
        runSetup: false,
        expectedSha256: '2'.repeat(64),
      }),
    ).rejects.toBeInstanceOf(IntegrityError);
  });

  it.each([
    ['uppercase hex', `sha256: ${'A'.repeat(64)}\n`],
    ['short value', 'sha256: abc\n'],
    ['a form the reader does not handle', `sha256: |\n  ${'a'.repeat(64)}\n`],
  ])('a plugin.yaml sha256 that is a %s fails closed with IntegrityError', async (_label, yaml) => {
    const sink = createMemoryPluginSink();
    const error = await installPluginArchive(
      streamOfBytes(
        gz([
          { name: 'rules.md', content: 'r' },
          { name: 'plugin.yaml', content: yaml },
        ]),
      ),
      { name: 'demo', sink, runSetup: false },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(sink.installed('demo')).toBeNull();
  });

  it('hashes a large file without a single big read (incremental SHA-256 path)', async () => {
    const big = new Uint8Array(9 * 1024 * 1024).map((_, i) => (i * 31) & 0xff);
    const expected = await computePluginManifestHash([{ path: 'big.bin', bytes: big }]);
    const sink = createMemoryPluginSink();
    const result = await installPluginArchive(
      streamOfBytes(gzipSync(buildTestTar([{ name: 'big.bin', content: big }])), 65536),
      {
        name: 'big',
        sink,
        runSetup: false,
        expectedSha256: expected,
      },
    );
    expect(result.manifestSha256).toBe(expected);
  });
});

describe('installPluginArchive: setup.sh', () => {
  const archive = () =>
    streamOfBytes(
      gz([
        { name: 'setup.sh', content: 'echo hi\n', mode: 0o644 },
        { name: 'a.txt', content: 'a' },
      ]),
    );

  it('runs `bash setup.sh` in the plugin with an allow-listed environment and the timeout', async () => {
    const sink = createMemoryPluginSink();
    const runner = recordingRunner();
    const lines: string[] = [];
    const result = await installPluginArchive(archive(), {
      name: 'demo',
      sink,
      runner,
      setupTimeoutMs: 5000,
      hostEnv: { PATH: '/bin', HOME: '/h', MOLECULE_WORKSPACE_TOKEN: 'secret', AWS_SECRET_ACCESS_KEY: 'k' },
      env: { EXTRA: '1' },
      onOutput: (_stream, line) => lines.push(line),
    });
    expect(runner.calls).toHaveLength(1);
    const call = runner.calls[0]!;
    expect(call.argv).toEqual(['bash', 'setup.sh']);
    expect(call.cwd).toBe('memory://plugins/demo');
    expect(call.timeoutMs).toBe(5000);
    expect(call.env).toEqual({
      PATH: '/bin',
      HOME: '/h',
      PLUGIN_DIR: 'memory://plugins/demo',
      PLUGIN_NAME: 'demo',
      EXTRA: '1',
    });
    expect(lines).toEqual(['setting up']);
    expect(result.setup).toMatchObject({ ok: true, exitCode: 0 });
  });

  it('defaults the timeout to 120 s', async () => {
    const runner = recordingRunner();
    await installPluginArchive(archive(), { name: 'demo', sink: createMemoryPluginSink(), runner });
    expect(runner.calls[0]?.timeoutMs).toBe(120_000);
  });

  it('a failing or timed-out setup.sh is reported but does not uninstall (Python parity)', async () => {
    const sink = createMemoryPluginSink();
    const failed = await installPluginArchive(archive(), {
      name: 'demo',
      sink,
      runner: recordingRunner({ exitCode: 1 }),
    });
    expect(failed.setup).toMatchObject({ ok: false, exitCode: 1 });
    const timedOut = await installPluginArchive(archive(), {
      name: 'demo',
      sink,
      runner: recordingRunner({ exitCode: null, signal: 'SIGKILL', timedOut: true }),
    });
    expect(timedOut.setup).toMatchObject({ ok: false, timedOut: true, signal: 'SIGKILL' });
    expect(files(sink, 'demo')).toEqual({ 'setup.sh': 'echo hi\n', 'a.txt': 'a' });
  });

  it('a runner that cannot start the program is reported as a failed setup', async () => {
    const runner: ProcessRunner = {
      name: 'broken',
      run: async () => {
        throw new Error('spawn bash ENOENT');
      },
    };
    const result = await installPluginArchive(archive(), {
      name: 'demo',
      sink: createMemoryPluginSink(),
      runner,
    });
    expect(result.setup).toMatchObject({ ok: false, exitCode: null, error: 'spawn bash ENOENT' });
  });

  it('skips setup.sh when runSetup is false or there is none', async () => {
    const runner = recordingRunner();
    await installPluginArchive(archive(), {
      name: 'demo',
      sink: createMemoryPluginSink(),
      runner,
      runSetup: false,
    });
    await installPluginArchive(streamOfBytes(gz([{ name: 'a.txt', content: 'a' }])), {
      name: 'demo',
      sink: createMemoryPluginSink(),
      runner,
    });
    await installPluginArchive(streamOfBytes(gz([{ name: 'sub/setup.sh', content: 'nested' }])), {
      name: 'demo',
      sink: createMemoryPluginSink(),
      runner,
    });
    expect(runner.calls).toHaveLength(0);
  });
});

describe('installPluginArchive: abort', () => {
  it('aborting mid-download throws AbortError and installs nothing', async () => {
    const sink = createMemoryPluginSink();
    await installedVersion(sink, 'demo', 'v1');
    const controller = new AbortController();
    const archive = gz(
      Array.from({ length: 50 }, (_, i) => ({ name: `f${i}.txt`, content: `${i}`.repeat(2000) })),
    );
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= archive.length / 2) return new Promise(() => {}); // stall half-way, like a dead connection
        c.enqueue(archive.slice(sent, sent + 256));
        sent += 256;
      },
    });
    const installing = installPluginArchive(body, {
      name: 'demo',
      sink,
      runSetup: false,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error('user cancelled'));
    expect(await installing).toBeInstanceOf(AbortError);
    expect(files(sink, 'demo')).toEqual({ 'version.txt': 'v1' });
    expect(sink.openStagingAreas).toBe(0);
  });

  it('an already-aborted signal stops before the lock', async () => {
    const sink = createMemoryPluginSink();
    await expect(
      installPluginArchive(streamOfBytes(gz([])), {
        name: 'demo',
        sink,
        runSetup: false,
        signal: AbortSignal.abort(),
      }),
    ).rejects.toBeInstanceOf(AbortError);
  });
});

// LINKED_PLUGIN (from /testing): in-tree links, with the hash compute_plugin_sha256 gives the tree.

describe('installPluginArchive: relative symlinks inside the plugin', () => {
  it('installs them by default and hashes them exactly as compute_plugin_sha256 does', async () => {
    const sink = createMemoryPluginSink();
    const result = await installPluginArchive(streamOfBytes(gz(LINKED_PLUGIN)), {
      name: 'linked',
      sink,
      runSetup: false,
      expectedSha256: LINKED_PLUGIN_PYTHON_SHA256,
    });
    expect(result.manifestSha256).toBe(LINKED_PLUGIN_PYTHON_SHA256);
    expect(result.symlinks).toBe(6);
    expect(sink.installed('linked')?.get('CLAUDE.md')).toEqual({ kind: 'symlink', target: 'AGENTS.md' });
  });

  it('policy.allowSymlinks: false still refuses the whole archive', async () => {
    const error = await installPluginArchive(streamOfBytes(gz(LINKED_PLUGIN)), {
      name: 'linked',
      sink: createMemoryPluginSink(),
      runSetup: false,
      policy: { allowSymlinks: false },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect(error).toMatchObject({ rule: 'symlink', entry: 'CLAUDE.md' });
  });
});
