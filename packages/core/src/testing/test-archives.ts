/**
 * Builders for plugin archives in tests, including hostile ones no honest tool would write
 * (traversal names, devices, bad checksums, lying sizes). Byte-exact USTAR/PAX/GNU headers.
 */

/** One entry of {@link buildTestTar}. */
export interface TestTarEntry {
  /** The name field (at most 100 bytes unless `longName` says how to carry it). */
  name: string;
  /** `file` (default), `directory`, `symlink`, `hardlink`, `fifo`, `character-device`, `block-device`, or a raw typeflag character. */
  type?: string;
  content?: string | Uint8Array;
  /** Permission bits; default 0o644 for files, 0o755 for directories, 0o777 for links. */
  mode?: number;
  /** Link target of a symlink or hard link. */
  linkname?: string;
  /** The ustar prefix field (joined to the name with `/` by readers). */
  prefix?: string | undefined;
  /** Carry a long name (or link target) in a PAX `x` record or a GNU `L`/`K` record. */
  longName?: 'pax' | 'gnu';
  /** Extra PAX records for this entry (an `x` header is written before it). */
  pax?: Record<string, string>;
  /** Overrides the size field (to lie about the data that follows). */
  size?: number;
  /** `corrupt` flips the stored checksum. */
  checksum?: 'valid' | 'corrupt' | undefined;
}

const encoder = new TextEncoder();
const TYPEFLAGS: Readonly<Record<string, string>> = {
  file: '0',
  directory: '5',
  symlink: '2',
  hardlink: '1',
  fifo: '6',
  'character-device': '3',
  'block-device': '4',
};

function bytesOf(value: string | Uint8Array | undefined): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  return typeof value === 'string' ? encoder.encode(value) : value;
}

function writeString(block: Uint8Array, offset: number, length: number, value: string | Uint8Array): void {
  const bytes = bytesOf(value);
  if (bytes.length > length)
    throw new Error(`test tar: field of ${length} bytes cannot hold ${bytes.length}`);
  block.set(bytes, offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}

/** One 512-byte header block with a correct (or deliberately corrupt) checksum. */
export function testTarHeader(fields: {
  name: string | Uint8Array;
  typeflag: string;
  size: number;
  mode?: number;
  linkname?: string | Uint8Array;
  prefix?: string | undefined;
  magic?: 'ustar' | 'gnu' | 'v7';
  checksum?: 'valid' | 'corrupt' | undefined;
}): Uint8Array {
  const block = new Uint8Array(512);
  writeString(block, 0, 100, fields.name);
  writeOctal(block, 100, 8, fields.mode ?? 0o644);
  writeOctal(block, 108, 8, 1000);
  writeOctal(block, 116, 8, 1000);
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, 1_700_000_000);
  block[156] = fields.typeflag.charCodeAt(0);
  writeString(block, 157, 100, fields.linkname ?? '');
  const magic = fields.magic ?? 'ustar';
  if (magic === 'ustar') writeString(block, 257, 8, 'ustar\x0000');
  if (magic === 'gnu') writeString(block, 257, 8, 'ustar  \0');
  if (magic !== 'v7') {
    writeString(block, 265, 32, 'user');
    writeString(block, 297, 32, 'group');
  }
  if (fields.prefix) writeString(block, 345, 155, fields.prefix);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  if (fields.checksum === 'corrupt') sum += 1;
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

/** The data of a PAX extended header: `"<len> <key>=<value>\n"` records with exact lengths. */
export function paxRecords(records: Record<string, string>): Uint8Array {
  let text = '';
  for (const [key, value] of Object.entries(records)) {
    const body = ` ${key}=${value}\n`;
    const bodyLength = encoder.encode(body).length;
    let length = bodyLength + String(bodyLength).length;
    if (String(length).length !== String(bodyLength).length) length = bodyLength + String(length).length;
    text += `${length}${body}`;
  }
  return encoder.encode(text);
}

/** Builds a tar archive from entries, byte by byte. `end: false` leaves out the two zero blocks. */
export function buildTestTar(entries: readonly TestTarEntry[], options: { end?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const typeflag = TYPEFLAGS[type] ?? type;
    const content = bytesOf(entry.content);
    const pax: Record<string, string> = { ...entry.pax };
    let name = entry.name;
    let linkname = entry.linkname ?? '';
    if (entry.longName === 'pax') {
      if (encoder.encode(name).length > 100) {
        pax.path = name;
        name = name.slice(0, 50);
      }
      if (encoder.encode(linkname).length > 100) {
        pax.linkpath = linkname;
        linkname = linkname.slice(0, 50);
      }
    }
    if (entry.longName === 'gnu') {
      if (encoder.encode(linkname).length > 100) {
        const data = encoder.encode(`${linkname}\0`);
        parts.push(
          testTarHeader({ name: '././@LongLink', typeflag: 'K', size: data.length, magic: 'gnu' }),
          padded(data),
        );
        linkname = linkname.slice(0, 50);
      }
      if (encoder.encode(name).length > 100) {
        const data = encoder.encode(`${name}\0`);
        parts.push(
          testTarHeader({ name: '././@LongLink', typeflag: 'L', size: data.length, magic: 'gnu' }),
          padded(data),
        );
        name = name.slice(0, 50);
      }
    }
    if (Object.keys(pax).length > 0) {
      const data = paxRecords(pax);
      parts.push(testTarHeader({ name: 'PaxHeader', typeflag: 'x', size: data.length }), padded(data));
    }
    const defaultMode =
      type === 'directory' ? 0o755 : type === 'symlink' || type === 'hardlink' ? 0o777 : 0o644;
    parts.push(
      testTarHeader({
        name,
        typeflag,
        size: entry.size ?? content.length,
        mode: entry.mode ?? defaultMode,
        linkname,
        prefix: entry.prefix,
        ...(entry.longName === 'gnu' ? { magic: 'gnu' as const } : {}),
        checksum: entry.checksum,
      }),
    );
    if (content.length > 0) parts.push(padded(content));
  }
  if (options.end ?? true) parts.push(new Uint8Array(1024));
  return concatBytes(parts);
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * A stream of `bytes` cut into chunks: a fixed size, a repeating list of sizes (to put chunk
 * boundaries inside headers, PAX records and data), or one chunk.
 */
export function streamOfBytes(
  bytes: Uint8Array,
  chunkSizes?: number | readonly number[],
): ReadableStream<Uint8Array> {
  const sizes =
    chunkSizes === undefined
      ? [Math.max(1, bytes.length)]
      : typeof chunkSizes === 'number'
        ? [chunkSizes]
        : chunkSizes;
  let offset = 0;
  let turn = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller): void {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const size = Math.max(1, sizes[turn++ % sizes.length]!);
      // A copy, so that no reader can rely on chunks sharing one buffer.
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

/** Gzips bytes with `CompressionStream`. */
export async function gzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = streamOfBytes(bytes).pipeThrough(
    new CompressionStream('gzip') as ReadableWritablePair<Uint8Array, Uint8Array>,
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Reads a whole stream into one array (tests only: this holds everything in memory). */
export async function readAllBytes(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concatBytes(parts);
    parts.push(value);
  }
}
