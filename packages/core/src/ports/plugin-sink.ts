/**
 * Where a verified plugin tree is written. The core decides which entries are safe and in which
 * order things happen (lock, clean up, stage, verify, swap); the sink only performs the file
 * operations it is told to.
 *
 * Paths given to a sink are always relative, POSIX, normalised and already checked by the core's
 * archive policy: no absolute paths, no `..`, no empty segments, never below a symlink.
 * Contract suite: `testPluginSink` from `@molecule-ai/agent-core/testing`.
 */
export interface PluginSink {
  readonly name: string;
  /**
   * Serialises installs of one plugin across processes. Resolves to a release function once the
   * lock is held; waits while another live installer holds it, and takes over a lock whose holder
   * died. Rejects with the signal's reason when `signal` aborts while waiting.
   */
  lock(pluginName: string, signal?: AbortSignal): Promise<() => Promise<void>>;
  /**
   * Removes leftovers of interrupted installs of `pluginName` (staging and set-aside folders).
   * If an interrupted swap left the plugin missing while its set-aside old version exists, the
   * old version is put back first. Called with the lock held.
   */
  cleanup(pluginName: string): Promise<void>;
  /** Creates a fresh, empty staging area for `pluginName`. Called with the lock held. */
  beginStaging(pluginName: string): Promise<StagingArea>;
  /** Returns the installed location of `pluginName`, or `null` when it is not installed. */
  installedPath(pluginName: string): Promise<string | null>;
}

/** A regular file of the staged tree. */
export interface StagedFile {
  /** Relative POSIX path inside the plugin. */
  readonly path: string;
  /** Size in bytes when listed. */
  readonly size: number;
  /** Opens the file's bytes as a stream (read in chunks; never the whole file at once). */
  open(): ReadableStream<Uint8Array>;
}

export interface StagingArea {
  /** Absolute location of the staging folder, for logs. */
  readonly path: string;
  /** Creates a directory (and missing parents) with exactly `mode`. Idempotent. */
  mkdir(relPath: string, mode: number): Promise<void>;
  /**
   * Writes a file from a stream of bytes, creating missing parent directories, replacing an
   * earlier file of the same path, with exactly `mode` (no umask). Resolves once the stream is
   * consumed and written; durability (fsync) may complete later but before `commit` swaps.
   */
  writeFile(relPath: string, data: ReadableStream<Uint8Array>, mode: number): Promise<void>;
  /**
   * Optional: the same as {@link writeFile} for a file whose whole content is already at hand, as
   * chunks (which the caller never touches again). The installer uses it for small files when
   * present, sparing a stream per file; a sink without it gets every file through `writeFile`.
   */
  writeFileChunks?(relPath: string, chunks: readonly Uint8Array[], mode: number): Promise<void>;
  /**
   * Optional: the same as {@link writeFile} for a file of a known `size` whose bytes come piece by
   * piece into memory the caller reuses: each `write` must copy or write its piece before it
   * resolves. The installer prefers it when present: the archive is then read into one reused
   * buffer, and nothing is allocated per piece on the way (memory stays flat whatever the size).
   */
  createFile?(relPath: string, size: number, mode: number): Promise<StagedFileWriter>;
  /** Creates a relative symlink (only called when the policy allows symlinks). */
  symlink(relPath: string, target: string): Promise<void>;
  /**
   * Lists every regular file of the staged tree, like Python's `rglob('*')` + `is_file()`: a
   * symlink to a file is listed (and read) as that file; symlinked directories are not entered.
   */
  files(): AsyncIterable<StagedFile>;
  /** One staged regular file (following a symlink like `files`), or `null` if there is none. */
  file(relPath: string): Promise<StagedFile | null>;
  /**
   * Makes the staged tree durable, then swaps it in: set the old version aside, rename the new
   * one in, remove the old one. A crash at any point leaves the old or the new version (or the old
   * one set aside, which the next `cleanup` restores). Returns the final absolute path.
   */
  commit(): Promise<string>;
  /** Throws the staged tree away. Idempotent; safe after a failed commit. */
  discard(): Promise<void>;
}

/** A file being written by {@link StagingArea.createFile}. */
export interface StagedFileWriter {
  /**
   * Takes the next piece; the piece's memory may be reused by the caller once the returned promise
   * resolves, or at once when nothing is returned (the piece was copied synchronously).
   */
  write(piece: Uint8Array): Promise<void> | undefined;
  /**
   * Ends the file (written, with durability as for `writeFile`, by `commit`). Also called after a
   * failed write, so that nothing stays open; the staging area is then discarded.
   */
  close(): Promise<void>;
}
