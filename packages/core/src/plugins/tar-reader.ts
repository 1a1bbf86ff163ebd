import { UnsafeArchiveError } from '../errors.js';
import { ByteReader } from './byte-reader.js';
import { escapeEntryName } from './entry-name.js';
import {
  cString,
  decodePath,
  isZeroBlock,
  parseTarHeader,
  type RawTarHeader,
  TAR_BLOCK_SIZE,
} from './tar-header.js';
import { parsePaxInteger, parsePaxRecords, parsePaxTime } from './tar-pax.js';

/** What an entry is. `sparse` and `unknown` exist so that the policy can name and refuse them. */
export type TarEntryType =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'hardlink'
  | 'character-device'
  | 'block-device'
  | 'fifo'
  | 'sparse'
  | 'unknown';

/**
 * An entry and its data. `body` must be read to the end (or left alone) before asking for the
 * next entry; whatever was not read is skipped then. Reading it later is an error.
 */
export interface TarEntry {
  header: TarEntryHeader;
  /** The data as a stream (created on first access). */
  readonly body: ReadableStream<Uint8Array>;
  /**
   * The whole data at once, as chunks the caller may keep: for small entries, instead of `body`
   * (use one or the other). Same rules and errors as `body`.
   */
  readAll(): Promise<Uint8Array[]>;
  /**
   * The next piece of the data, or `null` after the last: the cheapest way through. A piece may
   * live in a buffer the reader reuses: it holds its bytes only until the next read from this
   * archive (this entry's or the next's), so write or copy it first. Same rules and errors as
   * `body`; use one way per entry.
   */
  readChunk(): Promise<Uint8Array | null>;
}

/** Limits of the reader itself; the archive policy has the limits on what entries may contain. */
export interface TarReaderOptions {
  /** Largest PAX or GNU long-name record accepted, in bytes. Default 64 KiB. */
  maxMetadataBytes?: number;
  /** Most bytes of PAX and GNU long-name records in the whole archive. Default 8 MiB. */
  maxMetadataTotalBytes?: number;
  /**
   * Called before each header block (entries and PAX/GNU records alike); a returned promise is
   * awaited. How a caller lets timers run during a long archive (see `createEventLoopYielder`).
   */
  pause?: (() => Promise<void> | undefined) | undefined;
  /**
   * Read the stream to its end after the end-of-archive marker (default true), so that a
   * compressed stream's trailer and checksum are verified and nothing is left unread.
   */
  drainAfterEnd?: boolean;
}

/**
 * Default for {@link TarReaderOptions.maxMetadataBytes}: an honest record holds a path (4 KiB at
 * most), a link target and a few times; 64 KiB leaves room for extended attributes.
 */
export const DEFAULT_MAX_TAR_METADATA_BYTES: number = 64 * 1024;
/**
 * Default for {@link TarReaderOptions.maxMetadataTotalBytes}: a PAX record of a few hundred bytes
 * for each of 10,000 entries fits several times over.
 */
export const DEFAULT_MAX_TAR_METADATA_TOTAL_BYTES: number = 8 * 1024 * 1024;

/** The keywords the reader itself applies; the others are only kept for `header.pax`. */
const APPLIED_KEYWORDS = ['path', 'linkpath', 'size', 'mtime', 'uid', 'gid', 'uname', 'gname'] as const;
type AppliedKeyword = (typeof APPLIED_KEYWORDS)[number];
const SPARSE_PREFIX = 'GNU.sparse.';

/**
 * The global (`g`) records of an archive, kept so that no entry costs more than its own records:
 * each `g` header is appended as a layer (never merged into a copy), the few keywords the reader
 * applies are tracked in place, and the full map is assembled only when an entry's `pax` is read.
 */
class GlobalPax {
  /** Newest last; an entry keeps the length at its time, so later layers do not leak into it. */
  readonly layers: Record<string, string>[] = [];
  readonly applied: Partial<Record<AppliedKeyword, string>> = {};
  readonly sparse: Set<string> = new Set();

  add(records: Record<string, string>): void {
    this.layers.push(records);
    for (const keyword of APPLIED_KEYWORDS) {
      const value = records[keyword];
      if (value === undefined) continue;
      if (value === '') delete this.applied[keyword];
      else this.applied[keyword] = value;
    }
    for (const key of Object.keys(records)) {
      if (!key.startsWith(SPARSE_PREFIX)) continue;
      if (records[key] === '') this.sparse.delete(key);
      else this.sparse.add(key);
    }
  }

  /** The records in force after the first `depth` layers, overlaid with an entry's own. */
  assemble(depth: number, local: Record<string, string> | null): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < depth; i++) Object.assign(out, this.layers[i]);
    if (local) Object.assign(out, local);
    for (const key of Object.keys(out)) if (out[key] === '') delete out[key];
    return out;
  }
}

const TYPES: Readonly<Record<string, TarEntryType>> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file', // contiguous file: a regular file to every reader but one 1980s machine
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'character-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo',
  S: 'sparse',
};
const NO_DATA_TYPES = new Set<TarEntryType>([
  'directory',
  'symlink',
  'hardlink',
  'character-device',
  'block-device',
  'fifo',
]);

function truncated(entry?: string): UnsafeArchiveError {
  return new UnsafeArchiveError('tar archive ends in the middle of an entry', {
    rule: 'truncated',
    entry: entry === undefined ? undefined : escapeEntryName(entry),
  });
}

/** The error for reading an entry's data once the next entry was asked for. */
function readAfterNextEntry(path: string): TypeError {
  return new TypeError(`tar entry ${path} was read after the next entry was requested`);
}

function padding(size: number): number {
  return (TAR_BLOCK_SIZE - (size % TAR_BLOCK_SIZE)) % TAR_BLOCK_SIZE;
}

/** Where the reader stands in one entry's data, shared by the reader and the entry's read methods. */
interface BodyState {
  readonly path: string;
  remaining: number;
  /** Bytes of zero padding after the data. */
  readonly padding: number;
  /** The last read of the entry's data, awaited (its failure ignored: see `error`) before the next entry. */
  pulling: Promise<unknown> | null;
  detached: boolean;
  error: unknown;
}

/**
 * Reads a tar stream entry by entry without ever holding a file in memory: file data is handed
 * on as a stream of the incoming chunks. Written from the POSIX and GNU formats (not a port):
 * USTAR with the 155-byte prefix, PAX `x` records (`path`, `linkpath`, `size`, `mtime`, `uid`,
 * `gid`, `uname`, `gname`, any values incl. spaces and `=`) and `g` global records, GNU `L`/`K` long
 * names, header checksums, GNU base-256 numbers, and the zero-block end marker (required: a stream
 * that stops without it is `truncated`). Chunk boundaries may fall anywhere. Everything wrong with
 * the bytes is an `UnsafeArchiveError` (rules `bad-checksum`, `malformed-header`, `truncated`,
 * `invalid-name-encoding`, `max-header-bytes`); errors of the stream itself pass through as they are.
 *
 * Leaving the loop early cancels the stream.
 */
export async function* readTarEntries(
  stream: ReadableStream<Uint8Array>,
  options: TarReaderOptions = {},
): AsyncGenerator<TarEntry, void, undefined> {
  const bytes = new ByteReader(stream);
  const records = new ArchiveRecords(
    bytes,
    options.maxMetadataBytes ?? DEFAULT_MAX_TAR_METADATA_BYTES,
    options.maxMetadataTotalBytes ?? DEFAULT_MAX_TAR_METADATA_TOTAL_BYTES,
  );
  let finished = false;
  let current: BodyState | null = null;

  // The slow paths (an entry left half read, records, the end) are functions of their own: the
  // loop, which the JIT compiles as one piece, keeps only what every entry goes through.
  try {
    for (;;) {
      if (current) {
        const leaving = leaveEntry(bytes, current);
        if (leaving) await leaving;
        current = null;
      }

      const paused = options.pause?.();
      if (paused) await paused;
      const block = bytes.readExactBuffered(TAR_BLOCK_SIZE) ?? (await bytes.readExact(TAR_BLOCK_SIZE));
      if (block.length === 0) {
        throw new UnsafeArchiveError('tar archive has no end-of-archive marker (truncated)', {
          rule: 'truncated',
        });
      }
      if (block.length < TAR_BLOCK_SIZE) throw truncated();
      if (isZeroBlock(block)) {
        finished = true;
        if (options.drainAfterEnd ?? true) await drain(bytes);
        return;
      }

      const raw = parseTarHeader(block);
      if (isRecord(raw.typeflag)) {
        await records.read(raw);
        continue;
      }
      const header = resolveHeader(raw, records.pending, records.globals);
      current = {
        path: header.path,
        remaining: header.size,
        padding: padding(header.size),
        pulling: null,
        detached: false,
        error: undefined,
      };
      yield new ReadEntry(header, bytes, current);
    }
  } finally {
    if (!finished) await bytes.cancel();
  }
}

/**
 * Ends an entry once the next one is asked for: no more reads of its data, then what was not
 * read and the padding are skipped. Synchronous (no promise) when nothing is being read and the
 * rest is already buffered, as for most entries.
 */
function leaveEntry(bytes: ByteReader, state: BodyState): Promise<void> | undefined {
  state.detached = true;
  if (
    state.pulling === null &&
    state.error === undefined &&
    bytes.skipBuffered(state.remaining + state.padding)
  ) {
    state.remaining = 0;
    return undefined;
  }
  return leaveEntryAfterReads(bytes, state);
}

/** {@link leaveEntry} when a read is still running, failed, or the rest is not buffered yet. */
async function leaveEntryAfterReads(bytes: ByteReader, state: BodyState): Promise<void> {
  if (state.pulling) {
    try {
      await state.pulling;
    } catch {
      // Recorded in state.error.
    }
  }
  if (state.error !== undefined) throw state.error;
  const rest = state.remaining + state.padding;
  if (!bytes.skipBuffered(rest) && (await bytes.skip(rest)) < rest) throw truncated(state.path);
  state.remaining = 0;
}

/** Reads the stream to its end (past the end-of-archive marker), so that gzip's trailer is checked. */
async function drain(bytes: ByteReader): Promise<void> {
  while (await bytes.readChunk(64 * 1024));
}

/** Whether a typeflag is a PAX or GNU long-name record (applying to later entries), not an entry. */
function isRecord(typeflag: string): boolean {
  return typeflag === 'x' || typeflag === 'X' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K';
}

/**
 * The PAX and GNU long-name records of one archive, read within the reader's limits: `pending`
 * for the next entry, `globals` for all that follow.
 */
class ArchiveRecords {
  readonly globals: GlobalPax = new GlobalPax();
  readonly pending: PendingRecords = { pax: null, sparse: false, longName: null, longLink: null };
  readonly #bytes: ByteReader;
  readonly #maxBytes: number;
  readonly #maxTotalBytes: number;
  #totalBytes = 0;

  constructor(bytes: ByteReader, maxBytes: number, maxTotalBytes: number) {
    this.#bytes = bytes;
    this.#maxBytes = maxBytes;
    this.#maxTotalBytes = maxTotalBytes;
  }

  /** Reads the record that `raw` heads (see {@link isRecord}) and keeps what it says. */
  async read(raw: RawTarHeader): Promise<void> {
    const { pending } = this;
    // Records are merged in place: repeated headers cost their own size, never what came before.
    if (raw.typeflag === 'x' || raw.typeflag === 'X') {
      const records = parsePaxRecords(await this.#data(raw.size, 'PAX header'));
      pending.pax = pending.pax === null ? records : Object.assign(pending.pax, records);
      if (!pending.sparse)
        for (const key in records) if (key.startsWith(SPARSE_PREFIX)) pending.sparse = true;
    } else if (raw.typeflag === 'g') {
      this.globals.add(parsePaxRecords(await this.#data(raw.size, 'PAX global header')));
    } else if (raw.typeflag === 'L') {
      pending.longName = decodePath(cString(await this.#data(raw.size, 'GNU long name')), 'GNU long name');
    } else {
      pending.longLink = decodePath(cString(await this.#data(raw.size, 'GNU long link')), 'GNU long link');
    }
  }

  /** A record's data (a copy), within the size limits; the padding after it is skipped. */
  async #data(size: number, kind: string): Promise<Uint8Array> {
    if (size > this.#maxBytes) {
      throw new UnsafeArchiveError(
        `tar ${kind} record of ${size} bytes exceeds the limit of ${this.#maxBytes}`,
        {
          rule: 'max-header-bytes',
        },
      );
    }
    this.#totalBytes += size;
    if (this.#totalBytes > this.#maxTotalBytes) {
      throw new UnsafeArchiveError(
        `tar archive has more than ${this.#maxTotalBytes} bytes of PAX and GNU long-name records`,
        { rule: 'max-metadata-bytes' },
      );
    }
    // A copy: the view would be overwritten by the next read (the padding skip) in a reused buffer.
    const data = (await this.#bytes.readExact(size)).slice();
    if (data.length < size || (await this.#bytes.skip(padding(size))) < padding(size)) throw truncated();
    return data;
  }
}

/*
 * Headers and entries are class instances, not object literals with their own getters: V8 gives
 * each literal with a getter a hidden class of its own, made outside the young generation, and
 * through it every entry's objects survived young-generation collections until the next full one
 * (a 2,000-file plugin: about 1.7 MiB promoted per install, enough for V8 to double its young
 * generation). A getter on the prototype costs nothing per entry.
 */

/** The fields a header is made of (all but the lazily assembled `pax`). */
type TarEntryHeaderFields = Omit<TarEntryHeader, 'pax'>;

/** One entry's metadata, with PAX and GNU long-name records already applied. */
export class TarEntryHeader {
  /** The entry name as stored (PAX `path` > GNU `L` > ustar prefix + name). Not normalised. */
  path: string;
  type: TarEntryType;
  /** The raw typeflag character (`'0'`, `'5'`, `'\0'`, …). */
  typeflag: string;
  /** Bytes of data that follow (0 for everything but files and unknown types). */
  size: number;
  /** The mode bits as stored (permission bits plus setuid/setgid/sticky; type bits, if any, removed). */
  mode: number;
  /** Target of a symlink or hard link (PAX `linkpath` > GNU `K` > ustar linkname), else `null`. */
  linkTarget: string | null;
  /** Modification time in seconds since the epoch. */
  mtime: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  readonly #globals: GlobalPax;
  /** How many global layers were in force for this entry (later ones must not leak into it). */
  readonly #globalDepth: number;
  readonly #local: Record<string, string> | null;
  #records: Record<string, string> | undefined;

  constructor(fields: TarEntryHeaderFields, globals: GlobalPax, local: Record<string, string> | null) {
    this.path = fields.path;
    this.type = fields.type;
    this.typeflag = fields.typeflag;
    this.size = fields.size;
    this.mode = fields.mode;
    this.linkTarget = fields.linkTarget;
    this.mtime = fields.mtime;
    this.uid = fields.uid;
    this.gid = fields.gid;
    this.uname = fields.uname;
    this.gname = fields.gname;
    this.#globals = globals;
    this.#globalDepth = globals.layers.length;
    this.#local = local;
  }

  /**
   * The PAX records in force for this entry (global `g` records overlaid with its own `x` records).
   * Built on first access: the reader itself never copies the global records per entry.
   */
  get pax(): Readonly<Record<string, string>> {
    this.#records ??= this.#globals.assemble(this.#globalDepth, this.#local);
    return this.#records;
  }
}

/** One entry: its header and the ways to read its data, all through the archive's one reader. */
class ReadEntry implements TarEntry {
  readonly header: TarEntryHeader;
  readonly #bytes: ByteReader;
  readonly #state: BodyState;
  #body: ReadableStream<Uint8Array> | undefined;

  constructor(header: TarEntryHeader, bytes: ByteReader, state: BodyState) {
    this.header = header;
    this.#bytes = bytes;
    this.#state = state;
  }

  get body(): ReadableStream<Uint8Array> {
    this.#body ??= entryBody(this.#bytes, this.#state);
    return this.#body;
  }

  readAll(): Promise<Uint8Array[]> {
    return readEntryData(this.#bytes, this.#state);
  }

  readChunk(): Promise<Uint8Array | null> {
    return readEntryChunk(this.#bytes, this.#state);
  }
}

/** The `x`, `L` and `K` records read since the last entry: they apply to the next one. */
interface PendingRecords {
  pax: Record<string, string> | null;
  /** Whether `pax` names any GNU sparse keyword (most entries: no). */
  sparse: boolean;
  longName: string | null;
  longLink: string | null;
}

/**
 * A keyword's value for an entry: its own PAX record, else the global one. An empty value in an
 * entry's own record removes the keyword (POSIX): the header field applies then.
 */
function paxValue(
  keyword: AppliedKeyword,
  local: Record<string, string> | null,
  globals: GlobalPax,
): string | undefined {
  const own = local?.[keyword];
  if (own !== undefined) return own === '' ? undefined : own;
  return globals.applied[keyword];
}

/**
 * The header of the entry that `raw` describes, with the pending and global records applied; the
 * pending records are used up. Apart from the reading loop so that the loop, which the JIT compiles
 * as one piece, stays small.
 */
function resolveHeader(raw: RawTarHeader, pending: PendingRecords, globals: GlobalPax): TarEntryHeader {
  const local = pending.pax;
  const path = paxValue('path', local, globals) ?? pending.longName ?? raw.name;
  let type: TarEntryType = TYPES[raw.typeflag] ?? 'unknown';
  // Old (V7) archives mark directories as regular files whose name ends with a slash.
  if (raw.typeflag === '\0' && path.endsWith('/')) type = 'directory';
  if (type === 'file' && (pending.sparse || globals.sparse.size > 0) && hasSparseRecords(globals, local)) {
    type = 'sparse';
  }
  const paxSize = paxValue('size', local, globals);
  let size = paxSize === undefined ? raw.size : parsePaxInteger(paxSize, 'size');
  const linkTarget =
    type === 'symlink' || type === 'hardlink'
      ? (paxValue('linkpath', local, globals) ?? pending.longLink ?? raw.linkname)
      : null;
  pending.pax = null;
  pending.sparse = false;
  pending.longName = null;
  pending.longLink = null;

  if (NO_DATA_TYPES.has(type)) {
    if (size !== 0) {
      throw new UnsafeArchiveError(`tar ${type} entry declares ${size} bytes of data`, {
        rule: 'malformed-header',
        entry: escapeEntryName(path),
      });
    }
    size = 0;
  }

  const mtime = paxValue('mtime', local, globals);
  const uid = paxValue('uid', local, globals);
  const gid = paxValue('gid', local, globals);
  return new TarEntryHeader(
    {
      path,
      type,
      typeflag: raw.typeflag,
      size,
      mode: raw.mode & 0o7777,
      linkTarget,
      mtime: mtime === undefined ? raw.mtime : parsePaxTime(mtime),
      uid: uid === undefined ? raw.uid : parsePaxInteger(uid, 'uid'),
      gid: gid === undefined ? raw.gid : parsePaxInteger(gid, 'gid'),
      uname: paxValue('uname', local, globals) ?? raw.uname,
      gname: paxValue('gname', local, globals) ?? raw.gname,
    },
    globals,
    local,
  );
}

/** Whether GNU sparse records are in force (an entry's own empty value removes a global one). */
function hasSparseRecords(globals: GlobalPax, local: Record<string, string> | null): boolean {
  if (local) {
    for (const key of Object.keys(local)) if (key.startsWith(SPARSE_PREFIX) && local[key] !== '') return true;
  }
  for (const key of globals.sparse) if (local?.[key] !== '') return true;
  return false;
}

function entryBody(bytes: ByteReader, state: BodyState): ReadableStream<Uint8Array> {
  const { path } = state;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller): Promise<void> {
        const step = (async (): Promise<void> => {
          if (state.detached) {
            controller.error(readAfterNextEntry(path));
            return;
          }
          if (state.remaining === 0) {
            controller.close();
            return;
          }
          let chunk: Uint8Array | null;
          try {
            chunk = await bytes.readChunk(state.remaining);
          } catch (error) {
            state.error = error;
            controller.error(error);
            return;
          }
          if (!chunk) {
            state.error = truncated(path);
            controller.error(state.error);
            return;
          }
          state.remaining -= chunk.length;
          // A stream's consumer may keep chunks: never hand out a view of a reused buffer.
          controller.enqueue(bytes.reusesBuffer ? chunk.slice() : chunk);
          if (state.remaining === 0) controller.close();
        })();
        state.pulling = step;
        return step;
      },
    },
    { highWaterMark: 0 },
  );
}

/** The next piece of an entry's data from `bytes`; a failure or a short archive is kept in `state`. */
async function pullEntryChunk(bytes: ByteReader, state: BodyState): Promise<Uint8Array> {
  let chunk: Uint8Array | null;
  try {
    chunk = await bytes.readChunk(state.remaining);
  } catch (error) {
    state.error = error;
    throw error;
  }
  if (!chunk) {
    state.error = truncated(state.path);
    throw state.error;
  }
  state.remaining -= chunk.length;
  return chunk;
}

/** All of an entry's (remaining) data as chunks; tracked in `state` like a body pull. */
function readEntryData(bytes: ByteReader, state: BodyState): Promise<Uint8Array[]> {
  const read = async (): Promise<Uint8Array[]> => {
    if (state.detached) throw readAfterNextEntry(state.path);
    const chunks: Uint8Array[] = [];
    while (state.remaining > 0) {
      const chunk = await pullEntryChunk(bytes, state);
      chunks.push(bytes.reusesBuffer ? chunk.slice() : chunk);
    }
    return chunks;
  };
  const result = read();
  state.pulling = result.then(
    () => {},
    () => {},
  );
  return result;
}

/** The next piece of an entry's data (possibly a view of a reused buffer); tracked in `state` like a body pull. */
function readEntryChunk(bytes: ByteReader, state: BodyState): Promise<Uint8Array | null> {
  if (!state.detached && state.pulling === null) {
    if (state.remaining === 0) return Promise.resolve(null);
    // Served from what is buffered: no async step at all.
    const buffered = bytes.readBuffered(state.remaining);
    if (buffered) {
      state.remaining -= buffered.length;
      return Promise.resolve(buffered);
    }
  }
  const read = async (): Promise<Uint8Array | null> => {
    if (state.detached) throw readAfterNextEntry(state.path);
    if (state.remaining === 0) return null;
    return pullEntryChunk(bytes, state);
  };
  const result = read();
  state.pulling = result;
  // Settled reads need no waiting before the next entry.
  void result.then(
    () => {
      if (state.pulling === result) state.pulling = null;
    },
    () => {},
  );
  return result;
}
