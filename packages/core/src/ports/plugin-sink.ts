/**
 * Where a verified plugin tree is written. The core decides which entries are safe and in which
 * order things happen (stage, verify, swap); the sink only performs the file operations it is told to.
 *
 * Paths given to a sink are always relative, POSIX, normalised and already checked by the core's
 * archive policy: no absolute paths, no `..`, no empty segments.
 */
export interface PluginSink {
  readonly name: string;
  /**
   * Serialises installs of one plugin across processes. Resolves to a release function.
   * Implementations without cross-process locking may serialise within the process only.
   */
  lock(pluginName: string): Promise<() => Promise<void>>;
  /** Removes leftovers of interrupted installs of `pluginName` (staging and set-aside folders). */
  cleanup(pluginName: string): Promise<void>;
  /** Creates a fresh, empty staging area for `pluginName`. */
  beginStaging(pluginName: string): Promise<StagingArea>;
  /** Returns the installed location of `pluginName`, or `null` when it is not installed. */
  installedPath(pluginName: string): Promise<string | null>;
}

export interface StagingArea {
  /** Absolute location of the staging folder, for logs and for hashing. */
  readonly path: string;
  mkdir(relPath: string, mode: number): Promise<void>;
  /** Writes a file from a stream of bytes; resolves after the bytes are durable. */
  writeFile(relPath: string, data: ReadableStream<Uint8Array>, mode: number): Promise<void>;
  /** Creates a relative symlink (only called when the policy allows symlinks). */
  symlink(relPath: string, target: string): Promise<void>;
  /** Lists every regular file in the staged tree as relative POSIX paths, with a reader for each. */
  files(): AsyncIterable<{ path: string; read(): Promise<Uint8Array> }>;
  /** Reads one staged file, or `null` if it does not exist. */
  readFile(relPath: string): Promise<Uint8Array | null>;
  /**
   * Swaps the staged tree in: set the old version aside, rename the new one in, remove the old one.
   * A crash at any point leaves either the old or the new version in place. Returns the final path.
   */
  commit(): Promise<string>;
  /** Throws the staged tree away. Idempotent; safe after a failed commit. */
  discard(): Promise<void>;
}
