/**
 * A strict tar reader for tests (Web APIs only, so it also runs in workerd). It exposes the raw
 * header fields, honours the USTAR prefix and PAX records, and verifies every checksum.
 */

/** One raw header block plus what it means. */
export interface RawEntry {
  /** Effective path (PAX path > prefix/name > name). */
  path: string;
  typeflag: string;
  name: string;
  prefix: string;
  mode: string;
  uid: string;
  gid: string;
  size: number;
  mtime: number;
  magic: string;
  version: string;
  uname: string;
  gname: string;
  chksumField: string;
  pax?: Record<string, string>;
  /** The `x` header that preceded this entry, if any. */
  paxHeaderName?: string;
  content: Uint8Array;
}

const dec = new TextDecoder();

function field(b: Uint8Array, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const nul = s.indexOf(0);
  return dec.decode(nul >= 0 ? s.subarray(0, nul) : s);
}

function parsePax(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 0;
  while (off < data.length) {
    const sp = data.indexOf(0x20, off);
    const len = Number(dec.decode(data.subarray(off, sp)));
    const rec = dec.decode(data.subarray(sp + 1, off + len - 1));
    const eq = rec.indexOf('=');
    out[rec.slice(0, eq)] = rec.slice(eq + 1);
    off += len;
  }
  return out;
}

/** Reads all entries; throws on a bad checksum or a missing end marker. */
export function readTar(tar: Uint8Array): { entries: RawEntry[]; endOffset: number } {
  const entries: RawEntry[] = [];
  let off = 0;
  let pending: { pax: Record<string, string>; name: string } | undefined;
  while (true) {
    const h = tar.subarray(off, off + 512);
    if (h.length < 512) throw new Error('truncated archive');
    if (h.every((x) => x === 0)) {
      const next = tar.subarray(off + 512, off + 1024);
      if (next.length !== 512 || !next.every((x) => x === 0)) throw new Error('missing second zero block');
      return { entries, endOffset: off + 1024 };
    }
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    const chksumField = dec.decode(h.subarray(148, 156));
    if (Number.parseInt(field(h, 148, 8), 8) !== sum) throw new Error(`bad checksum at ${off}`);
    const size = Number.parseInt(field(h, 124, 12), 8);
    const content = tar.slice(off + 512, off + 512 + size);
    const typeflag = String.fromCharCode(h[156]!);
    off += 512 + Math.ceil(size / 512) * 512;
    if (typeflag === 'x') {
      pending = { pax: parsePax(content), name: field(h, 0, 100) };
      continue;
    }
    const name = field(h, 0, 100);
    const prefix = field(h, 345, 155);
    const entry: RawEntry = {
      path: pending?.pax.path ?? (prefix ? `${prefix}/${name}` : name),
      typeflag,
      name,
      prefix,
      mode: field(h, 100, 8),
      uid: field(h, 108, 8),
      gid: field(h, 116, 8),
      size,
      mtime: Number.parseInt(field(h, 136, 12), 8),
      magic: dec.decode(h.subarray(257, 263)),
      version: dec.decode(h.subarray(263, 265)),
      uname: field(h, 265, 32),
      gname: field(h, 297, 32),
      chksumField,
      content,
    };
    if (pending) {
      entry.pax = pending.pax;
      entry.paxHeaderName = pending.name;
      pending = undefined;
    }
    entries.push(entry);
  }
}

/** gunzip with the Web DecompressionStream (the package's own helper). */
export { gunzip as gunzipBytes } from '../../src/index.js';
