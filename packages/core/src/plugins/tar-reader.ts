import { UnsafeArchiveError } from '../errors.js';
import { ByteReader } from './byte-reader.js';
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
  /** The PAX records in force for this entry (global `g` records overlaid with its own `x` records). */
  pax: Readonly<Record<string, string>>;
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
   * The whole data at once, as views of the incoming chunks: for small entries, instead of `body`
   * (use one or the other). Same rules and errors as `body`.
   */
  readAll(): Promise<Uint8Array[]>;
}

/** Limits of the reader itself; the archive policy has the limits on what entries may contain. */
export interface TarReaderOptions {
  /** Largest PAX or GNU long-name record accepted, in bytes. Default 1 MiB. */
  maxMetadataBytes?: number;
  /**
   * Read the stream to its end after the end-of-archive marker (default true), so that a
   * compressed stream's trailer and checksum are verified and nothing is left unread.
   */
  drainAfterEnd?: boolean;
}

/** Default for {@link TarReaderOptions.maxMetadataBytes}. */
export const DEFAULT_MAX_TAR_METADATA_BYTES: number = 1024 * 1024;

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
    ...(entry === undefined ? {} : { entry }),
  });
}

function padding(size: number): number {
  return (TAR_BLOCK_SIZE - (size % TAR_BLOCK_SIZE)) % TAR_BLOCK_SIZE;
}

interface BodyState {
  remaining: number;
  pulling: Promise<void> | null;
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
  const bytes = new ByteReader(stream);
  let finished = false;
  let globals: Record<string, string> = {};
  let localPax: Record<string, string> | null = null;
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
    const data = await bytes.readExact(size);
    if (data.length < size || (await bytes.skip(padding(size))) < padding(size)) throw truncated();
    return data;
  }

  try {
    for (;;) {
      if (current) {
        const { state } = current;
        state.detached = true;
        if (state.pulling) await state.pulling.catch(() => {});
        if (state.error !== undefined) throw state.error;
        const rest = state.remaining + current.padding;
        if ((await bytes.skip(rest)) < rest) throw truncated(current.path);
        state.remaining = 0;
        current = null;
      }

      const block = await bytes.readExact(TAR_BLOCK_SIZE);
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
      if (raw.typeflag === 'x' || raw.typeflag === 'X') {
        localPax = { ...(localPax ?? {}), ...parsePaxRecords(await readMetadata(raw.size, 'PAX header')) };
        continue;
      }
      if (raw.typeflag === 'g') {
        globals = { ...globals, ...parsePaxRecords(await readMetadata(raw.size, 'PAX global header')) };
        for (const [key, value] of Object.entries(globals)) if (value === '') delete globals[key];
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
      const pax: Record<string, string> = { ...globals };
      for (const [key, value] of Object.entries(localPax ?? {})) {
        if (value === '') delete pax[key];
        else pax[key] = value;
      }
      const path = pax.path ?? longName ?? raw.name;
      let type: TarEntryType = TYPES[raw.typeflag] ?? 'unknown';
      // Old (V7) archives mark directories as regular files whose name ends with a slash.
      if (raw.typeflag === '\0' && path.endsWith('/')) type = 'directory';
      if (type === 'file' && Object.keys(pax).some((key) => key.startsWith('GNU.sparse.'))) type = 'sparse';
      const size = pax.size === undefined ? raw.size : parsePaxInteger(pax.size, 'size');
      const linkTarget =
        type === 'symlink' || type === 'hardlink' ? (pax.linkpath ?? longLink ?? raw.linkname) : null;
      localPax = null;
      longName = null;
      longLink = null;

      let dataLength = size;
      if (NO_DATA_TYPES.has(type)) {
        if (size !== 0) {
          throw new UnsafeArchiveError(`tar ${type} entry declares ${size} bytes of data`, {
            rule: 'malformed-header',
            entry: path,
          });
        }
        dataLength = 0;
      }

      const header: TarEntryHeader = {
        path,
        type,
        typeflag: raw.typeflag,
        size: dataLength,
        mode: raw.mode & 0o7777,
        linkTarget,
        mtime: pax.mtime === undefined ? raw.mtime : parsePaxTime(pax.mtime),
        uid: pax.uid === undefined ? raw.uid : parsePaxInteger(pax.uid, 'uid'),
        gid: pax.gid === undefined ? raw.gid : parsePaxInteger(pax.gid, 'gid'),
        uname: pax.uname ?? raw.uname,
        gname: pax.gname ?? raw.gname,
        pax,
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
      };
    }
  } finally {
    if (!finished) await bytes.cancel();
  }
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
          controller.enqueue(chunk);
          if (state.remaining === 0) controller.close();
        })();
        state.pulling = step;
        return step;
      },
    },
    { highWaterMark: 0 },
  );
}

/** All of an entry's (remaining) data as chunks; tracked in `state` like a body pull. */
function readEntryData(bytes: ByteReader, state: BodyState, path: string): Promise<Uint8Array[]> {
  const read = async (): Promise<Uint8Array[]> => {
    if (state.detached) throw new TypeError(`tar entry ${path} was read after the next entry was requested`);
    const chunks: Uint8Array[] = [];
    while (state.remaining > 0) {
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
      chunks.push(chunk);
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
