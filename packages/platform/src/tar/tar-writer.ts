/**
 * A tar writer that produces byte-for-byte what Go's `archive/tar` Writer produces when no
 * format is requested (as the platform's `streamDirAsTar` uses it):
 *
 * - USTAR whenever the header fits: names ≤ 100 bytes, or split at a `/` into a ≤ 155-byte
 *   `prefix` and a ≤ 100-byte name; ASCII only.
 * - Otherwise PAX: an `x` entry named `<dir>/PaxHeaders.0/<base>` (mode/uid/gid/mtime 0) with
 *   sorted `path=` (and `uname=`/`gname=`) records, then the USTAR-format header with the name
 *   reduced to ASCII and cut to 100 bytes.
 * - Numeric fields are zero-padded octal with a trailing NUL; the checksum is six octal digits,
 *   NUL, space. Magic `ustar\0`, version `00`.
 * - The archive ends with two 512-byte zero blocks and no padding to a 10240-byte record.
 *
 * nanotar cannot do this (it truncates names at 100 bytes and has no PAX), hence this file.
 */

import { concatBytes } from '../bytes.js';

/** Entry types. The platform only ever emits `file` and `dir`; the rest exist for test archives. */
export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** One archive entry. */
export interface TarEntry {
  /** Path inside the archive, written exactly as given (no slash added to directories). */
  name: string;
  type: TarEntryType;
  /** Permission bits (and setuid/setgid/sticky), e.g. 0o644. */
  mode: number;
  /** File content (files only). */
  content?: Uint8Array;
  /** Link target (symlink/hardlink). */
  linkname?: string;
  /** Seconds since the epoch. */
  mtime: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
}

const BLOCK = 512;
const NAME_SIZE = 100;
const PREFIX_SIZE = 155;
const utf8 = new TextEncoder();

const TYPEFLAG: Record<TarEntryType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Go's `toASCII`: drops non-ASCII characters and NUL. */
function toAscii(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80 && c !== 0) out += ch;
  }
  return out;
}

/** Go's `splitUSTARPath`. */
export function splitUstarPath(name: string): { prefix: string; suffix: string } | null {
  let length = name.length;
  if (length <= NAME_SIZE || !isAscii(name)) return null;
  if (length > PREFIX_SIZE + 1) length = PREFIX_SIZE + 1;
  else if (name[length - 1] === '/') length--;
  const i = name.slice(0, length).lastIndexOf('/');
  const nlen = name.length - i - 1;
  const plen = i;
  if (i <= 0 || nlen > NAME_SIZE || nlen === 0 || plen > PREFIX_SIZE) return null;
  return { prefix: name.slice(0, i), suffix: name.slice(i + 1) };
}

/** Go's `formatPAXRecord`: `"<len> <key>=<value>\n"` where len counts the whole record in bytes. */
export function formatPaxRecord(key: string, value: string): string {
  const body = utf8.encode(`${key}=${value}\n`).length;
  let size = body + 1;
  size += String(size).length;
  let record = `${size} ${key}=${value}\n`;
  const actual = utf8.encode(record).length;
  if (actual !== size) record = `${actual} ${key}=${value}\n`;
  return record;
}

class Header {
  readonly b = new Uint8Array(BLOCK);
  str(off: number, size: number, s: string): void {
    const bytes = utf8.encode(s).subarray(0, size);
    this.b.set(bytes, off);
  }
  octal(off: number, size: number, n: number): void {
    let s = Math.max(0, Math.trunc(n)).toString(8);
    if (s.length > size - 1) s = '0';
    this.str(off, size, s.padStart(size - 1, '0'));
  }
  finish(): Uint8Array {
    this.str(257, 6, 'ustar\0');
    this.str(263, 2, '00');
    for (let i = 148; i < 156; i++) this.b[i] = 0x20;
    let sum = 0;
    for (const x of this.b) sum += x;
    this.str(148, 7, sum.toString(8).padStart(6, '0'));
    this.b[154] = 0;
    this.b[155] = 0x20;
    return this.b;
  }
}

function paxHeaderName(name: string): string {
  const slash = name.lastIndexOf('/');
  const dir = slash >= 0 ? name.slice(0, slash + 1) : '';
  const file = slash >= 0 ? name.slice(slash + 1) : name;
  // path.Join(dir, "PaxHeaders.0", file), cleaned
  const joined = [dir.replace(/\/+$/, ''), 'PaxHeaders.0', file].filter((p) => p !== '').join('/');
  let out = toAscii(joined);
  if (utf8.encode(out).length > NAME_SIZE) out = out.slice(0, NAME_SIZE);
  return out.replace(/\/+$/, '');
}

function padded(data: Uint8Array): Uint8Array[] {
  const rem = data.length % BLOCK;
  return rem === 0 ? [data] : [data, new Uint8Array(BLOCK - rem)];
}

function mainHeader(e: TarEntry, name: string, prefix: string): Header {
  const h = new Header();
  const size = e.type === 'file' ? (e.content?.length ?? 0) : 0;
  h.str(0, NAME_SIZE, name);
  h.octal(100, 8, e.mode);
  h.octal(108, 8, e.uid ?? 0);
  h.octal(116, 8, e.gid ?? 0);
  h.octal(124, 12, size);
  h.octal(136, 12, e.mtime);
  h.b[156] = TYPEFLAG[e.type].charCodeAt(0);
  h.str(157, 100, toAscii(e.linkname ?? ''));
  h.str(265, 32, toAscii(e.uname ?? ''));
  h.str(297, 32, toAscii(e.gname ?? ''));
  h.octal(329, 8, e.devmajor ?? 0);
  h.octal(337, 8, e.devminor ?? 0);
  h.str(345, PREFIX_SIZE, prefix);
  return h;
}

function entryBlocks(e: TarEntry): Uint8Array[] {
  const out: Uint8Array[] = [];
  const pax: Array<[string, string]> = [];
  const tooLong = (s: string, size: number): boolean => utf8.encode(s).length > size;
  let ustarOk = true;
  if (!isAscii(e.name) || tooLong(e.name, NAME_SIZE)) {
    pax.push(['path', e.name]);
    if (!splitUstarPath(e.name)) ustarOk = false;
  }
  const link = e.linkname ?? '';
  if (!isAscii(link) || tooLong(link, NAME_SIZE)) {
    pax.push(['linkpath', link]);
    ustarOk = false;
  }
  for (const [key, v] of [
    ['uname', e.uname ?? ''],
    ['gname', e.gname ?? ''],
  ] as const) {
    if (!isAscii(v) || tooLong(v, 32)) {
      pax.push([key, v]);
      ustarOk = false;
    }
  }
  const content = e.type === 'file' ? (e.content ?? new Uint8Array(0)) : new Uint8Array(0);
  if (ustarOk) {
    const split = splitUstarPath(e.name);
    out.push(mainHeader(e, split ? split.suffix : e.name, split ? split.prefix : '').finish());
  } else {
    pax.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const data = utf8.encode(pax.map(([k, v]) => formatPaxRecord(k, v)).join(''));
    const x = new Header();
    x.str(0, NAME_SIZE, paxHeaderName(e.name));
    x.octal(100, 8, 0);
    x.octal(108, 8, 0);
    x.octal(116, 8, 0);
    x.octal(124, 12, data.length);
    x.octal(136, 12, 0);
    x.b[156] = 'x'.charCodeAt(0);
    out.push(x.finish(), ...padded(data));
    let ascii = toAscii(e.name);
    while (utf8.encode(ascii).length > NAME_SIZE) ascii = ascii.slice(0, -1);
    out.push(mainHeader(e, ascii, '').finish());
  }
  if (content.length > 0) out.push(...padded(content));
  return out;
}

/** Writes a complete tar archive (Go `archive/tar` byte layout). */
export function writeTar(entries: TarEntry[]): Uint8Array {
  const parts = entries.flatMap(entryBlocks);
  parts.push(new Uint8Array(BLOCK * 2));
  return concatBytes(parts);
}
