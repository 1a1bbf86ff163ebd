import { UnsafeArchiveError } from '../errors.js';
import { escapeEntryName } from './entry-name.js';

/** The size of a tar header block and the unit all entry data is padded to. */
export const TAR_BLOCK_SIZE = 512;

/** Which header layout a block uses; only POSIX `ustar` carries the 155-byte name `prefix`. */
export type TarHeaderFormat = 'ustar' | 'gnu' | 'v7';

/** The fields of one 512-byte header block, decoded but not yet combined with PAX or GNU records. */
export interface RawTarHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  /** The typeflag character; `'\0'` for old-style regular files. */
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
  format: TarHeaderFormat;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

/** True when every byte of the block is zero: the end-of-archive marker. */
export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** The bytes of a NUL-terminated field (up to the first NUL). */
export function cString(bytes: Uint8Array): Uint8Array {
  const end = bytes.indexOf(0);
  return end < 0 ? bytes : bytes.subarray(0, end);
}

/**
 * Decodes a path as UTF-8, refusing bytes that are not UTF-8: a lossy decode would turn two
 * different names into one (or a name into something else), which the policy could not see.
 */
export function decodePath(bytes: Uint8Array, what: string): string {
  try {
    return utf8Strict.decode(bytes);
  } catch (cause) {
    throw new UnsafeArchiveError(`tar ${what} is not valid UTF-8`, {
      rule: 'invalid-name-encoding',
      entry: escapeEntryName(utf8Lenient.decode(bytes)),
      cause,
    });
  }
}

/**
 * Reads a numeric header field: octal ASCII (leading/trailing spaces, NUL-terminated), or GNU
 * base-256 when the high bit of the first byte is set (0x80 positive, 0xff negative), like
 * Python's `tarfile.nti`. Values beyond 2^53 are refused rather than rounded.
 */
export function parseTarNumber(field: Uint8Array, what: string): number {
  return parseTarNumberAt(field, 0, field.length, what);
}

/** True for the bytes whose Latin-1 character `String.prototype.trim` removes: space, tab, LF, VT, FF, CR, NBSP. */
function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d) || byte === 0xa0;
}

/**
 * {@link parseTarNumber} of `block[start, end)`, read in place: a header has eight numeric fields
 * and an archive thousands of headers, so no view or string is made per field.
 */
function parseTarNumberAt(block: Uint8Array, start: number, end: number, what: string): number {
  const first = block[start] ?? 0;
  if (first === 0x80 || first === 0xff) {
    let value = 0;
    for (let i = start + 1; i < end; i++) {
      value = value * 256 + block[i]!;
      if (value > Number.MAX_SAFE_INTEGER) throw malformed(`tar ${what} is too large`);
    }
    if (first === 0xff) value -= 256 ** (end - start - 1);
    return value;
  }
  let stop = start;
  while (stop < end && block[stop] !== 0) stop++;
  let from = start;
  while (from < stop && isSpace(block[from]!)) from++;
  while (stop > from && isSpace(block[stop - 1]!)) stop--;
  let value = 0;
  for (let i = from; i < stop; i++) {
    const digit = block[i]! - 0x30;
    if (digit < 0 || digit > 7) throw malformed(`tar ${what} is not an octal number`);
    value = value * 8 + digit;
  }
  if (value > Number.MAX_SAFE_INTEGER) throw malformed(`tar ${what} is too large`);
  return value;
}

function malformed(message: string, entry?: string): UnsafeArchiveError {
  return new UnsafeArchiveError(message, {
    rule: 'malformed-header',
    entry,
  });
}

/**
 * Checks the header checksum: the sum of all 512 bytes with the checksum field read as eight
 * spaces. Both the unsigned sum (POSIX) and the signed sum (some historic writers) are accepted.
 */
export function verifyTarChecksum(block: Uint8Array): boolean {
  let stored: number;
  try {
    stored = parseTarNumberAt(block, 148, 156, 'checksum');
  } catch {
    return false;
  }
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < TAR_BLOCK_SIZE; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** `ustar\0` (POSIX) at offset 257, or `ustar  \0` (GNU), compared in place. */
const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72];

function detectFormat(block: Uint8Array): TarHeaderFormat {
  for (let i = 0; i < USTAR.length; i++) if (block[257 + i] !== USTAR[i]) return 'v7';
  if (block[262] === 0) return 'ustar';
  if (block[262] === 0x20 && block[263] === 0x20 && block[264] === 0) return 'gnu';
  return 'v7';
}

/** A NUL-terminated text field in place: `''` for an empty one, without a view or a decode. */
function textField(
  block: Uint8Array,
  start: number,
  end: number,
  decode: (bytes: Uint8Array) => string,
): string {
  if (block[start] === 0) return '';
  let stop = start;
  while (stop < end && block[stop] !== 0) stop++;
  return decode(block.subarray(start, stop));
}

const lenient = (bytes: Uint8Array): string => utf8Lenient.decode(bytes);
const entryName = (bytes: Uint8Array): string => decodePath(bytes, 'entry name');
const namePrefix = (bytes: Uint8Array): string => decodePath(bytes, 'name prefix');
const linkTarget = (bytes: Uint8Array): string => decodePath(bytes, 'link target');

/**
 * Decodes one non-zero header block. Verifies the checksum first (a corrupt or non-tar stream
 * fails here with rule `bad-checksum`). For POSIX ustar the `prefix` field is joined to the name
 * with `/`; GNU headers use those bytes for other things and never have a prefix.
 */
export function parseTarHeader(block: Uint8Array): RawTarHeader {
  if (block.length !== TAR_BLOCK_SIZE) throw malformed('tar header block is incomplete');
  if (!verifyTarChecksum(block)) {
    throw new UnsafeArchiveError('tar header checksum mismatch (corrupt or not a tar archive)', {
      rule: 'bad-checksum',
      entry: utf8Lenient.decode(cString(block.subarray(0, 100))),
    });
  }
  const format = detectFormat(block);
  let name = textField(block, 0, 100, entryName);
  if (format === 'ustar') {
    const prefix = textField(block, 345, 500, namePrefix);
    if (prefix !== '') name = `${prefix}/${name}`;
  }
  const typeflag = String.fromCharCode(block[156]!);
  const size = parseTarNumberAt(block, 124, 136, 'size');
  if (size < 0) throw malformed('tar entry size is negative', name);
  return {
    name,
    mode: parseTarNumberAt(block, 100, 108, 'mode'),
    uid: parseTarNumberAt(block, 108, 116, 'uid'),
    gid: parseTarNumberAt(block, 116, 124, 'gid'),
    size,
    mtime: parseTarNumberAt(block, 136, 148, 'mtime'),
    typeflag,
    linkname: textField(block, 157, 257, linkTarget),
    uname: format === 'v7' ? '' : textField(block, 265, 297, lenient),
    gname: format === 'v7' ? '' : textField(block, 297, 329, lenient),
    format,
  };
}
