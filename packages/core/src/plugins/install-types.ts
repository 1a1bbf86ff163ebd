import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { PluginSink } from '../ports/plugin-sink.js';
import type { ProcessRunner, RunResult } from '../ports/process-runner.js';
import type { ArchivePolicyOptions } from './archive-policy.js';
import type { Decompressor } from './gunzip.js';

/** Where an install is. `download` covers download, decompression, tar reading and staging, which all stream together. */
export type PluginInstallPhase = 'lock' | 'download' | 'verify' | 'swap' | 'setup' | 'report' | 'done';

/** A progress event, e.g. for a progress bar: compressed bytes against `Content-Length`, entries written. */
export interface PluginInstallProgress {
  phase: PluginInstallPhase;
  name: string;
  /** Compressed bytes received so far. */
  bytesDownloaded: number;
  /** The download's `Content-Length`, when known. */
  totalBytes: number | null;
  /** Archive entries staged so far (files, directories, links). */
  entries: number;
  /** File bytes staged so far (decompressed). */
  bytesWritten: number;
}

/** All byte and count caps of one install. Defaults match the platform's own limits. */
export interface PluginArchiveLimits extends ArchivePolicyOptions {
  /**
   * Most compressed bytes read. Default: the decompressed cap (compressing never saves less than
   * nothing, by more than a few bytes per 64 KiB). A larger `Content-Length` is refused before reading.
   */
  maxCompressedBytes?: number;
  /**
   * Most decompressed tar bytes. Default: `maxBytes` + 2 KiB per allowed entry (headers, padding,
   * PAX records) + 1 MiB.
   */
  maxDecompressedBytes?: number;
  /** Largest PAX or GNU long-name record. Default 64 KiB. */
  maxMetadataBytes?: number;
  /** Most bytes of PAX and GNU long-name records in the whole archive. Default 8 MiB. */
  maxMetadataTotalBytes?: number;
}

/** The result of running `setup.sh`. `ok` is true only for exit code 0 without a timeout. */
export interface SetupResult extends RunResult {
  ok: boolean;
  /** Why it could not run at all (e.g. no `bash`), when that is what happened. */
  error?: string;
}

/** Options of {@link installPluginArchive}. */
export interface InstallPluginArchiveOptions {
  /** The plugin name; checked against the platform's rule before any I/O. */
  name: string;
  /** Where the plugin is staged and swapped in. */
  sink: PluginSink;
  /** Runs `setup.sh`. Required unless `runSetup` is false. */
  runner?: ProcessRunner;
  /** Caps and policy switches (symlinks, case collisions). */
  policy?: PluginArchiveLimits;
  /**
   * The manifest hash the plugin must have (64 lowercase hex). Checked over the staged tree before
   * the swap, whether or not plugin.yaml carries a `sha256`; it wins over plugin.yaml's.
   */
  expectedSha256?: string | undefined;
  /** Run the plugin's `setup.sh` after the swap (default true), like the Python SDK. */
  runSetup?: boolean;
  /** Kill `setup.sh` (and everything it started) after this long. Default 120,000 ms. */
  setupTimeoutMs?: number;
  /** Extra variables for `setup.sh` (never one holding a workspace, admin or org token). */
  env?: Readonly<Record<string, string>>;
  /**
   * Explicit pass-through to `setup.sh`, each `NAME` (copied from `hostEnv`) or `NAME=VALUE`.
   * The proxy variables (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, any case) pass without asking; a
   * variable holding a workspace, admin or org token never passes (ConfigError before any I/O).
   */
  setupEnv?: readonly string[] | undefined;
  /** The host environment to copy allow-listed variables from (pass `process.env` on Node). */
  hostEnv?: Readonly<Record<string, string | undefined>>;
  /**
   * How to gunzip. Default: `DecompressionStream('gzip')`, available on every runtime. On Node,
   * `createZlibGunzip()` from `@molecule-ai/agent-node` does the same with roughly half the CPU
   * (larger output chunks). The byte caps are enforced around it either way.
   */
  decompress?: Decompressor;
  /** The download's `Content-Length`, for progress and for refusing an oversized archive early. */
  contentLength?: number | null;
  onProgress?: (event: PluginInstallProgress) => void;
  /** Each line `setup.sh` prints, as it prints it. */
  onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
  logger?: Logger;
  signal?: AbortSignal;
  /**
   * Decides when the install lets other work run (every 256 headers or 10 ms, whichever first), so
   * that timers and sockets never wait long behind a big archive. Default: the system clock.
   */
  clock?: Clock | undefined;
}

/** How telling the platform about an install went. The install itself stands either way. */
export type PluginReportOutcome =
  | { status: 'recorded' }
  /** The platform cannot record installs for a remote workspace (its `POST /plugins` answers 503). */
  | { status: 'not-supported'; httpStatus: number }
  /** Anything else went wrong (logged as a warning). */
  | { status: 'failed'; httpStatus: number | null; error: string };

/** What an install did. */
export interface InstallPluginResult {
  name: string;
  /** Absolute path of the installed plugin. */
  path: string;
  /** The manifest hash of the installed tree, when it was verified; `null` when nothing asked for it. */
  manifestSha256: string | null;
  /** Which hash was checked: the caller's pin, plugin.yaml's own `sha256`, or none. */
  verifiedWith: 'expectedSha256' | 'plugin.yaml' | null;
  /** Entries read from the archive (including directories and the root). */
  entries: number;
  files: number;
  directories: number;
  symlinks: number;
  /** File bytes written. */
  bytes: number;
  /** Compressed bytes read. */
  compressedBytes: number;
  /** `null` when there was no `setup.sh` or `runSetup` was false. A failed setup does not undo the install. */
  setup: SetupResult | null;
  /**
   * The source the plugin came from, as the platform named it (`X-Plugin-Source`) or as asked for;
   * `null` for an archive installed without the platform.
   */
  source: string | null;
  /** How the platform took the install report; `null` when none was sent. */
  report: PluginReportOutcome | null;
}
