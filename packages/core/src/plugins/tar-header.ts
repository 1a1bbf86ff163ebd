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
  const first = field[0] ?? 0;
  if (first === 0x80 || first === 0xff) {
    let value = 0;
    for (let i = 1; i < field.length; i++) {
      value = value * 256 + field[i]!;
      if (value > Number.MAX_SAFE_INTEGER) throw malformed(`tar ${what} is too large`);
    }
    if (first === 0xff) value -= 256 ** (field.length - 1);
    return value;
  }
  let text = '';
  for (const byte of cString(field)) text += String.fromCharCode(byte);
  text = text.trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw malformed(`tar ${what} is not an octal number`);
  const value = Number.parseInt(text, 8);
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
    stored = parseTarNumber(block.subarray(148, 156), 'checksum');
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

function detectFormat(block: Uint8Array): TarHeaderFormat {
  const magic = String.fromCharCode(...block.subarray(257, 265));
  if (magic === 'ustar  \0') return 'gnu';
  if (magic.startsWith('ustar\0')) return 'ustar';
  return 'v7';
}

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
  let name = decodePath(cString(block.subarray(0, 100)), 'entry name');
  if (format === 'ustar') {
    const prefix = decodePath(cString(block.subarray(345, 500)), 'name prefix');
    if (prefix !== '') name = `${prefix}/${name}`;
  }
  const typeflag = String.fromCharCode(block[156]!);
  const size = parseTarNumber(block.subarray(124, 136), 'size');
  if (size < 0) throw malformed('tar entry size is negative', name);
  return {
    name,
    mode: parseTarNumber(block.subarray(100, 108), 'mode'),
    uid: parseTarNumber(block.subarray(108, 116), 'uid'),
    gid: parseTarNumber(block.subarray(116, 124), 'gid'),
    size,
    mtime: parseTarNumber(block.subarray(136, 148), 'mtime'),
    typeflag,
    linkname: decodePath(cString(block.subarray(157, 257)), 'link target'),
    uname: format === 'v7' ? '' : utf8Lenient.decode(cString(block.subarray(265, 297))),
    gname: format === 'v7' ? '' : utf8Lenient.decode(cString(block.subarray(297, 329))),
    format,
  };
}
