import { UnsafeArchiveError } from '../errors.js';
import { ByteReader } from './byte-reader.js';
import { escapeEntryName } from './entry-name.js';
import { cString, decodePath, isZeroBlock, parseTarHeader, TAR_BLOCK_SIZE } from './tar-header.js';
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

/** One entry's metadata, with PAX and GNU long-name records already applied. */
export interface TarEntryHeader {
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
  /**
   * The PAX records in force for this entry (global `g` records overlaid with its own `x` records).
   * Built on first access: the reader itself never copies the global records per entry.
   */
  readonly pax: Readonly<Record<string, string>>;
}

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
  readonly sparse = new Set<string>();

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

function padding(size: number): number {
  return (TAR_BLOCK_SIZE - (size % TAR_BLOCK_SIZE)) % TAR_BLOCK_SIZE;
}

interface BodyState {
  remaining: number;
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
  const maxMetadataBytes = options.maxMetadataBytes ?? DEFAULT_MAX_TAR_METADATA_BYTES;
  const maxMetadataTotalBytes = options.maxMetadataTotalBytes ?? DEFAULT_MAX_TAR_METADATA_TOTAL_BYTES;
  const bytes = new ByteReader(stream);
  let finished = false;
  let metadataTotal = 0;
  const globals = new GlobalPax();
  let localPax: Record<string, string> | null = null;
  /** Whether the pending `x` records name any GNU sparse keyword (most entries: no). */
  let localSparse = false;
  let longName: string | null = null;
  let longLink: string | null = null;
  let current: { state: BodyState; padding: number; path: string } | null = null;

  async function readMetadata(size: number, kind: string): Promise<Uint8Array> {
    if (size > maxMetadataBytes) {
      throw new UnsafeArchiveError(
        `tar ${kind} record of ${size} bytes exceeds the limit of ${maxMetadataBytes}`,
        {
          rule: 'max-header-bytes',
        },
      );
    }
    metadataTotal += size;
    if (metadataTotal > maxMetadataTotalBytes) {
      throw new UnsafeArchiveError(
        `tar archive has more than ${maxMetadataTotalBytes} bytes of PAX and GNU long-name records`,
        { rule: 'max-metadata-bytes' },
      );
    }
    // A copy: the view would be overwritten by the next read (the padding skip) in a reused buffer.
    const data = (await bytes.readExact(size)).slice();
    if (data.length < size || (await bytes.skip(padding(size))) < padding(size)) throw truncated();
    return data;
  }

  try {
    for (;;) {
      if (current) {
        const { state } = current;
        state.detached = true;
        if (state.pulling) {
          try {
            await state.pulling;
          } catch {
            // Recorded in state.error.
          }
        }
        if (state.error !== undefined) throw state.error;
        const rest = state.remaining + current.padding;
        if (!bytes.skipBuffered(rest) && (await bytes.skip(rest)) < rest) throw truncated(current.path);
        state.remaining = 0;
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
        if (options.drainAfterEnd ?? true) while (await bytes.readChunk(64 * 1024));
        return;
      }

      const raw = parseTarHeader(block);
      // Records are merged in place: repeated headers cost their own size, never what came before.
      if (raw.typeflag === 'x' || raw.typeflag === 'X') {
        const records = parsePaxRecords(await readMetadata(raw.size, 'PAX header'));
        localPax = localPax === null ? records : Object.assign(localPax, records);
        if (!localSparse) for (const key in records) if (key.startsWith(SPARSE_PREFIX)) localSparse = true;
        continue;
      }
      if (raw.typeflag === 'g') {
        globals.add(parsePaxRecords(await readMetadata(raw.size, 'PAX global header')));
        continue;
      }
      if (raw.typeflag === 'L') {
        longName = decodePath(cString(await readMetadata(raw.size, 'GNU long name')), 'GNU long name');
        continue;
      }
      if (raw.typeflag === 'K') {
        longLink = decodePath(cString(await readMetadata(raw.size, 'GNU long link')), 'GNU long link');
        continue;
      }

      // An empty value in an entry's own PAX header removes the keyword (POSIX): fall back to the header field.
      const local = localPax;
      const pax = (keyword: AppliedKeyword): string | undefined => {
        const own = local?.[keyword];
        if (own !== undefined) return own === '' ? undefined : own;
        return globals.applied[keyword];
      };
      const path = pax('path') ?? longName ?? raw.name;
      let type: TarEntryType = TYPES[raw.typeflag] ?? 'unknown';
      // Old (V7) archives mark directories as regular files whose name ends with a slash.
      if (raw.typeflag === '\0' && path.endsWith('/')) type = 'directory';
      if (type === 'file' && (localSparse || globals.sparse.size > 0) && hasSparseRecords(globals, local)) {
        type = 'sparse';
      }
      const paxSize = pax('size');
      const size = paxSize === undefined ? raw.size : parsePaxInteger(paxSize, 'size');
      const linkTarget =
        type === 'symlink' || type === 'hardlink' ? (pax('linkpath') ?? longLink ?? raw.linkname) : null;
      localPax = null;
      localSparse = false;
      longName = null;
      longLink = null;

      let dataLength = size;
      if (NO_DATA_TYPES.has(type)) {
        if (size !== 0) {
          throw new UnsafeArchiveError(`tar ${type} entry declares ${size} bytes of data`, {
            rule: 'malformed-header',
            entry: escapeEntryName(path),
          });
        }
        dataLength = 0;
      }

      const mtime = pax('mtime');
      const uid = pax('uid');
      const gid = pax('gid');
      const globalDepth = globals.layers.length;
      let records: Record<string, string> | undefined;
      const header: TarEntryHeader = {
        path,
        type,
        typeflag: raw.typeflag,
        size: dataLength,
        mode: raw.mode & 0o7777,
        linkTarget,
        mtime: mtime === undefined ? raw.mtime : parsePaxTime(mtime),
        uid: uid === undefined ? raw.uid : parsePaxInteger(uid, 'uid'),
        gid: gid === undefined ? raw.gid : parsePaxInteger(gid, 'gid'),
        uname: pax('uname') ?? raw.uname,
        gname: pax('gname') ?? raw.gname,
        get pax(): Readonly<Record<string, string>> {
          records ??= globals.assemble(globalDepth, local);
          return records;
        },
      };
      const state: BodyState = { remaining: dataLength, pulling: null, detached: false, error: undefined };
      current = { state, padding: padding(dataLength), path };
      let body: ReadableStream<Uint8Array> | undefined;
      yield {
        header,
        get body(): ReadableStream<Uint8Array> {
          body ??= entryBody(bytes, state, path);
          return body;
        },
        readAll: () => readEntryData(bytes, state, path),
        readChunk: () => readEntryChunk(bytes, state, path),
      };
    }
  } finally {
    if (!finished) await bytes.cancel();
  }
}

/** Whether GNU sparse records are in force (an entry's own empty value removes a global one). */
function hasSparseRecords(globals: GlobalPax, local: Record<string, string> | null): boolean {
  if (local) {
    for (const key of Object.keys(local)) if (key.startsWith(SPARSE_PREFIX) && local[key] !== '') return true;
  }
  for (const key of globals.sparse) if (local?.[key] !== '') return true;
  return false;
}

function entryBody(bytes: ByteReader, state: BodyState, path: string): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull(controller): Promise<void> {
        const step = (async (): Promise<void> => {
          if (state.detached) {
            controller.error(new TypeError(`tar entry ${path} was read after the next entry was requested`));
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
async function pullEntryChunk(bytes: ByteReader, state: BodyState, path: string): Promise<Uint8Array> {
  let chunk: Uint8Array | null;
  try {
    chunk = await bytes.readChunk(state.remaining);
  } catch (error) {
    state.error = error;
    throw error;
  }
  if (!chunk) {
    state.error = truncated(path);
    throw state.error;
  }
  state.remaining -= chunk.length;
  return chunk;
}

/** All of an entry's (remaining) data as chunks; tracked in `state` like a body pull. */
function readEntryData(bytes: ByteReader, state: BodyState, path: string): Promise<Uint8Array[]> {
  const read = async (): Promise<Uint8Array[]> => {
    if (state.detached) throw new TypeError(`tar entry ${path} was read after the next entry was requested`);
    const chunks: Uint8Array[] = [];
    while (state.remaining > 0) {
      const chunk = await pullEntryChunk(bytes, state, path);
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
function readEntryChunk(bytes: ByteReader, state: BodyState, path: string): Promise<Uint8Array | null> {
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
    if (state.detached) throw new TypeError(`tar entry ${path} was read after the next entry was requested`);
    if (state.remaining === 0) return null;
    return pullEntryChunk(bytes, state, path);
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
