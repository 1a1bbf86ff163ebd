import { AbortError, ConfigError, IntegrityError, isMoleculeError, UnsafeArchiveError } from '../errors.js';
import { systemClock } from '../ports/clock.js';
import { silentLogger } from '../ports/logger.js';
import type { StagingArea } from '../ports/plugin-sink.js';
import { checkDuration } from '../util/duration-limit.js';
import { createEventLoopYielder } from '../util/event-loop-yield.js';
import { resolveArchiveLimits } from './archive-limits.js';
import { type ArchivePolicy, createArchivePolicy } from './archive-policy.js';
import { gunzipWithLimits } from './gunzip.js';
import type {
  InstallPluginArchiveOptions,
  InstallPluginResult,
  PluginInstallPhase,
  SetupResult,
} from './install-types.js';
import {
  assertSha256Hex,
  computePluginManifestHash,
  isSha256Hex,
  type ManifestFile,
} from './manifest-hash.js';
import { assertPluginName } from './plugin-name.js';
import { type PluginYamlSha256, readPluginYamlSha256 } from './plugin-yaml-sha256.js';
import { assertSetupEnvironment, buildSetupEnvironment } from './setup-environment.js';
import { sha256OfStream } from './sha256.js';
import { readTarEntries, type TarEntry } from './tar-reader.js';

/** Default `setup.sh` timeout, as in the Python SDK. */
export const DEFAULT_SETUP_TIMEOUT_MS = 120_000;

/** plugin.yaml files larger than this are refused rather than read for their `sha256`. */
export const MAX_PLUGIN_YAML_BYTES: number = 1024 * 1024;

/**
 * Files up to this size go to a sink's `writeFileChunks` (when it has one) in one piece: a stream
 * per file costs more than the file's bytes held for a moment.
 */
const WHOLE_FILE_BYTES = 256 * 1024;

/** Where the archive bytes come from, opened only once the lock is held. */
export interface PluginArchiveSource {
  body: ReadableStream<Uint8Array>;
  contentLength: number | null;
}

/**
 * Installs a plugin from a `.tar.gz` stream: gunzip (capped) → tar entries → safety policy →
 * staging folder → verify → atomic swap → `setup.sh`. Everything streams: no file, and never the
 * whole archive, is held in memory. See `runPluginInstall` for the order of events and the
 * guarantees on failure.
 */
export async function installPluginArchive(
  archive: ReadableStream<Uint8Array>,
  options: InstallPluginArchiveOptions,
): Promise<InstallPluginResult> {
  let opened = false;
  try {
    return await runPluginInstall(async () => {
      opened = true;
      return { body: archive, contentLength: options.contentLength ?? null };
    }, options);
  } finally {
    // Free the connection behind a stream we never got to read.
    if (!opened) await archive.cancel().catch(() => {});
  }
}

/**
 * The install pipeline, with the archive opened lazily so a caller can download only once the
 * plugin's lock is held (and not at all when the options are wrong).
 *
 * Order: validate every option (`ConfigError`, before any I/O) → lock the plugin name → clean
 * leftovers of interrupted installs → open the archive → stream it into a fresh staging folder
 * through the policy → read plugin.yaml's `sha256` → verify the manifest hash of the staged tree
 * against `expectedSha256` (if given) or plugin.yaml's (if any) → commit (swap) → `setup.sh` →
 * unlock. Any failure before the swap (a refused entry, a cap, a bad hash, a dropped connection,
 * an abort) throws and discards the staging folder: no partial files, the previous version untouched,
 * `setup.sh` not run. A failing `setup.sh` does not undo the swap (Python parity); it is reported in
 * the result.
 */
export async function runPluginInstall(
  openArchive: () => Promise<PluginArchiveSource>,
  options: InstallPluginArchiveOptions,
): Promise<InstallPluginResult> {
  const { name, sink, runner, signal } = options;
  const logger = options.logger ?? silentLogger;
  assertPluginName(name);
  if (options.expectedSha256 !== undefined) assertSha256Hex(options.expectedSha256, 'expectedSha256');
  assertSetupEnvironment({ extra: options.env, passThrough: options.setupEnv, hostEnv: options.hostEnv });
  const limits = resolveArchiveLimits(options.policy);
  const runSetup = options.runSetup ?? true;
  if (runSetup && !runner)
    throw new ConfigError('a process runner is required to run setup.sh (or pass runSetup: false)');
  const setupTimeoutMs = options.setupTimeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS;
  checkDuration('setupTimeoutMs', setupTimeoutMs);
  throwIfAborted(signal);

  const progress = {
    name,
    bytesDownloaded: 0,
    totalBytes: null as number | null,
    entries: 0,
    bytesWritten: 0,
  };
  const report = (phase: PluginInstallPhase): void => options.onProgress?.({ phase, ...progress });

  report('lock');
  const release = await sink.lock(name, signal).catch((error: unknown) => {
    throw signal?.aborted ? abortError(error) : error;
  });
  try {
    await sink.cleanup(name);
    throwIfAborted(signal);
    const source = await openArchive();
    progress.totalBytes = source.contentLength;
    if (source.contentLength !== null && source.contentLength > limits.maxCompressedBytes) {
      await source.body.cancel().catch(() => {});
      throw new UnsafeArchiveError(
        `plugin archive of ${source.contentLength} bytes exceeds the limit of ${limits.maxCompressedBytes} compressed bytes`,
        { rule: 'max-compressed-bytes' },
      );
    }

    let staging: StagingArea;
    try {
      staging = await sink.beginStaging(name);
    } catch (error) {
      await source.body.cancel().catch(() => {});
      throw error;
    }
    logger.debug('plugin install: staging', { plugin: name, staging: staging.path });

    const counts = { files: 0, directories: 0, symlinks: 0 };
    let installedPath: string;
    let manifestSha256: string | null = null;
    let verifiedWith: InstallPluginResult['verifiedWith'] = null;
    let hasSetup = false;
    try {
      report('download');
      const policy = createArchivePolicy(limits);
      const tar = gunzipWithLimits(source.body, {
        maxCompressedBytes: limits.maxCompressedBytes,
        maxDecompressedBytes: limits.maxDecompressedBytes,
        onCompressedBytes: (total) => {
          progress.bytesDownloaded = total;
          report('download');
        },
        ...(signal ? { signal } : {}),
        ...(options.decompress ? { decompress: options.decompress } : {}),
      });
      const yielder = createEventLoopYielder(options.clock ?? systemClock, { everySteps: 256, everyMs: 10 });
      const entries = readTarEntries(tar, {
        maxMetadataBytes: limits.maxMetadataBytes,
        maxMetadataTotalBytes: limits.maxMetadataTotalBytes,
        // Headers and records already in memory resolve as microtasks only: give timers and
        // sockets a turn between them (the time spent staging each entry counts too).
        pause: () => yielder.tick(),
      });
      await stageEntries(entries, { policy, staging, counts, progress }, () => {
        report('download');
        throwIfAborted(signal);
      });

      report('verify');
      const declared = await readDeclaredSha256(staging);
      const expected = options.expectedSha256 ?? null;
      if (expected !== null || declared.kind !== 'absent') {
        manifestSha256 = await hashStagedTree(staging, signal);
        if (expected !== null) {
          verifiedWith = 'expectedSha256';
          if (declared.kind === 'present' && declared.value !== manifestSha256) {
            logger.warn('plugin.yaml sha256 does not match; the pinned expectedSha256 is used instead', {
              plugin: name,
            });
          }
          if (manifestSha256 !== expected)
            throw mismatch(name, expected, manifestSha256, 'the pinned expectedSha256');
        } else if (declared.kind === 'unsupported') {
          throw new IntegrityError(
            `plugin ${name}: plugin.yaml has a sha256 this installer cannot read safely (${declared.reason}); nothing was installed and setup.sh was NOT run`,
            { expected: '', actual: manifestSha256 },
          );
        } else if (declared.kind === 'present') {
          verifiedWith = 'plugin.yaml';
          const declaredValue: string = declared.value;
          if (!isSha256Hex(declaredValue)) {
            throw new IntegrityError(
              `plugin ${name}: plugin.yaml sha256 is not a 64-character lowercase hex string; nothing was installed and setup.sh was NOT run`,
              { expected: declaredValue.slice(0, 80), actual: manifestSha256 },
            );
          }
          if (manifestSha256 !== declared.value)
            throw mismatch(name, declared.value, manifestSha256, "plugin.yaml's sha256");
        }
      }
      hasSetup = (await staging.file('setup.sh')) !== null;
      throwIfAborted(signal);

      report('swap');
      installedPath = await staging.commit();
    } catch (error) {
      await staging.discard().catch((discardError: unknown) => {
        logger.warn('plugin install: could not remove the staging folder', {
          plugin: name,
          error: String(discardError),
        });
      });
      throw signal?.aborted && !(error instanceof AbortError) ? abortError(error) : error;
    }
    logger.info('plugin installed', {
      plugin: name,
      path: installedPath,
      files: counts.files,
      bytes: progress.bytesWritten,
    });

    let setup: SetupResult | null = null;
    if (runSetup && hasSetup && runner) {
      report('setup');
      setup = await runSetupScript(runner, {
        name,
        path: installedPath,
        timeoutMs: setupTimeoutMs,
        options,
        logger,
      });
    }
    report('done');
    return {
      name,
      path: installedPath,
      manifestSha256,
      verifiedWith,
      entries: progress.entries,
      ...counts,
      bytes: progress.bytesWritten,
      compressedBytes: progress.bytesDownloaded,
      setup,
      source: null,
      report: null,
    };
  } finally {
    await release();
  }
}

/** Where {@link stageEntries} puts the entries and what it counts. */
interface StagingTarget {
  policy: ArchivePolicy;
  staging: StagingArea;
  counts: { files: number; directories: number; symlinks: number };
  progress: { entries: number; bytesWritten: number };
}

/**
 * Admits every entry through the policy and stages it, then lets the policy check the whole.
 * A function of its own, apart from the rest of the install: this loop runs once per entry, and
 * the JIT then compiles just it rather than the whole install, in a fraction of the time and of
 * the compiler's memory (paid on each install: an agent that idled in between compiles again).
 */
async function stageEntries(
  entries: AsyncIterable<TarEntry>,
  { policy, staging, counts, progress }: StagingTarget,
  afterEntry: () => void,
): Promise<void> {
  for await (const entry of entries) {
    const admitted = policy.admit(entry.header);
    if (admitted.kind === 'file') {
      if (takesPieces(staging)) {
        await writePieces(staging, entry, admitted);
      } else if (staging.writeFileChunks && admitted.size <= WHOLE_FILE_BYTES) {
        await staging.writeFileChunks(admitted.path, await entry.readAll(), admitted.mode);
      } else {
        await staging.writeFile(admitted.path, entry.body, admitted.mode);
      }
      counts.files += 1;
      progress.bytesWritten += admitted.size;
    } else if (admitted.kind === 'directory') {
      await staging.mkdir(admitted.path, admitted.mode);
      counts.directories += 1;
    } else if (admitted.kind === 'symlink') {
      await staging.symlink(admitted.path, admitted.target);
      counts.symlinks += 1;
    }
    progress.entries = policy.entries;
    afterEntry();
  }
  policy.finish();
}

type PieceWritingStagingArea = StagingArea & Required<Pick<StagingArea, 'createFile'>>;

function takesPieces(staging: StagingArea): staging is PieceWritingStagingArea {
  return staging.createFile !== undefined;
}

/** Streams an entry's data into a sink's file writer, piece by piece (see `StagingArea.createFile`). */
async function writePieces(
  staging: PieceWritingStagingArea,
  entry: TarEntry,
  file: { path: string; size: number; mode: number },
): Promise<void> {
  // Called as a method: a function bound per install would be a new call target for the JIT each time.
  const writer = await staging.createFile(file.path, file.size, file.mode);
  try {
    for (let piece = await entry.readChunk(); piece !== null; piece = await entry.readChunk()) {
      const written = writer.write(piece);
      if (written) await written;
    }
  } catch (error) {
    await writer.close().catch(() => {});
    throw error;
  }
  await writer.close();
}

function mismatch(name: string, expected: string, actual: string, which: string): IntegrityError {
  return new IntegrityError(
    `plugin ${name} sha256 mismatch: expected ${expected} (${which}), got ${actual}; nothing was installed and setup.sh was NOT run`,
    { expected, actual },
  );
}

function abortError(cause: unknown): AbortError {
  return new AbortError('plugin install aborted', { cause });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal.reason);
}

async function readDeclaredSha256(staging: StagingArea): Promise<PluginYamlSha256> {
  const file = await staging.file('plugin.yaml');
  if (!file) return { kind: 'absent' };
  if (file.size > MAX_PLUGIN_YAML_BYTES) {
    throw new UnsafeArchiveError(`plugin.yaml is larger than ${MAX_PLUGIN_YAML_BYTES} bytes`, {
      rule: 'plugin-yaml-too-large',
      entry: 'plugin.yaml',
    });
  }
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for await (const chunk of readChunks(file.open())) {
    size += chunk.length;
    if (size > MAX_PLUGIN_YAML_BYTES) {
      throw new UnsafeArchiveError(`plugin.yaml is larger than ${MAX_PLUGIN_YAML_BYTES} bytes`, {
        rule: 'plugin-yaml-too-large',
        entry: 'plugin.yaml',
      });
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return readPluginYamlSha256(text + decoder.decode());
}

async function* readChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** How many staged files are hashed at once. */
const HASH_CONCURRENCY = 4;

/** The Python-compatible manifest hash of the staged tree, reading each file as a stream. */
async function hashStagedTree(staging: StagingArea, signal: AbortSignal | undefined): Promise<string> {
  const hashed: ManifestFile[] = [];
  const files = staging.files()[Symbol.asyncIterator]();
  // A few workers pull from one iterator (an async generator queues concurrent `next` calls).
  let failed = false;
  const worker = async (): Promise<void> => {
    try {
      while (!failed) {
        throwIfAborted(signal);
        const next = await files.next();
        if (next.done) return;
        hashed.push({
          path: next.value.path,
          sha256: await sha256OfStream(next.value.open(), next.value.size),
        });
      }
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  try {
    await Promise.all(Array.from({ length: HASH_CONCURRENCY }, worker));
  } finally {
    await files.return?.();
  }
  return computePluginManifestHash(hashed);
}

async function runSetupScript(
  runner: NonNullable<InstallPluginArchiveOptions['runner']>,
  context: {
    name: string;
    path: string;
    timeoutMs: number;
    options: InstallPluginArchiveOptions;
    logger: NonNullable<InstallPluginArchiveOptions['logger']>;
  },
): Promise<SetupResult> {
  const { name, path, timeoutMs, options, logger } = context;
  const env = buildSetupEnvironment({
    pluginDir: path,
    pluginName: name,
    hostEnv: options.hostEnv,
    extra: options.env,
    passThrough: options.setupEnv,
  });
  logger.info('plugin setup.sh: running', { plugin: name, timeoutMs });
  let result: SetupResult;
  try {
    const run = await runner.run({
      argv: ['bash', 'setup.sh'],
      cwd: path,
      env,
      timeoutMs,
      signal: options.signal,
      onOutput: (stream, line) => {
        logger.debug('plugin setup.sh output', { plugin: name, stream, line });
        options.onOutput?.(stream, line);
      },
    });
    result = { ...run, ok: run.exitCode === 0 && !run.timedOut };
  } catch (error) {
    if (options.signal?.aborted) {
      throw new AbortError(
        `plugin ${name} install aborted during setup.sh; the new version stays installed`,
        {
          cause: error,
        },
      );
    }
    const message = isMoleculeError(error) || error instanceof Error ? error.message : String(error);
    result = { ok: false, exitCode: null, signal: null, timedOut: false, durationMs: 0, error: message };
  }
  if (options.signal?.aborted) {
    throw new AbortError(`plugin ${name} install aborted during setup.sh; the new version stays installed`, {
      cause: options.signal.reason,
    });
  }
  if (result.ok) logger.info('plugin setup.sh: done', { plugin: name, durationMs: result.durationMs });
  else {
    logger.warn('plugin setup.sh failed; the plugin stays installed', {
      plugin: name,
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: result.timedOut,
      ...(result.error ? { error: result.error } : {}),
    });
  }
  return result;
}
