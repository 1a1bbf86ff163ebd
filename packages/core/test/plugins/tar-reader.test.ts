import { describe, expect, it } from 'vitest';
import { UnsafeArchiveError } from '../../src/errors.js';
import { readTarEntries } from '../../src/plugins/tar-reader.js';
import {
  buildTestTar,
  concatBytes,
  paxRecords,
  streamOfBytes,
  testTarHeader,
} from '../../src/testing/test-archives.js';
import { gnuTar, pythonTar, type ReadEntry, readAll } from './archive-tools.js';

const LONG_DIR = `deep/${'a'.repeat(60)}/${'b'.repeat(60)}`;
const LONG_FILE = `${LONG_DIR}/fff.txt`;
/** Chunkings that put boundaries inside headers, PAX records and data, and one-byte reads. */
const CHUNKINGS: (number | number[])[] = [1, 7, [511, 513], [100, 3, 1024, 61], 4096, 1 << 20];

function brief(entries: ReadEntry[]): [string, string, number, string | null, string][] {
  return entries.map((e) => [e.path, e.type, e.mode, e.linkTarget, e.content]);
}

async function expectSameAtEveryChunking(tar: Uint8Array): Promise<ReadEntry[]> {
  const reference = await readAll(tar);
  for (const chunks of CHUNKINGS) {
    expect(brief(await readAll(tar, chunks)), `chunks ${JSON.stringify(chunks)}`).toEqual(brief(reference));
  }
  return reference;
}

async function rejection(tar: Uint8Array, chunks?: number | number[]): Promise<UnsafeArchiveError> {
  try {
    await readAll(tar, chunks);
  } catch (error) {
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    return error as UnsafeArchiveError;
  }
  throw new Error('expected the archive to be refused');
}

const GNU_TREE = {
  'run.sh': '#!/bin/sh\necho hi\n',
  'file.txt': 'hello\n',
  'with space/name with spaces and = sign.txt': 'ok',
  [LONG_FILE]: 'long\n',
  'link-to-file': { symlink: 'file.txt' },
  'link-to-long': { symlink: LONG_FILE },
  'hard-to-file': { hardlinkTo: 'file.txt' },
  'empty-dir': { dir: true as const },
  pipe: { fifo: true as const },
};

describe('readTarEntries on GNU tar archives', () => {
  it('reads --format=gnu: long names (L), long link targets (K), links, FIFOs, modes', async () => {
    const tar = gnuTar('gnu', GNU_TREE);
    const entries = await expectSameAtEveryChunking(tar);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(byPath.get('./')?.type).toBe('directory');
    expect(byPath.get(`./${LONG_FILE}`)).toMatchObject({ type: 'file', content: 'long\n', mode: 0o644 });
    expect(byPath.get('./link-to-long')).toMatchObject({ type: 'symlink', linkTarget: LONG_FILE });
    expect(byPath.get('./link-to-file')).toMatchObject({ type: 'symlink', linkTarget: 'file.txt' });
    expect(byPath.get('./with space/name with spaces and = sign.txt')?.content).toBe('ok');
    expect(byPath.get('./pipe')?.type).toBe('fifo');
    expect(byPath.get('./empty-dir/')?.type).toBe('directory');
    // GNU tar stores the second name of a hard-linked file as a link to the first one in archive order.
    const hardlinks = entries.filter((e) => e.type === 'hardlink');
    expect(hardlinks).toHaveLength(1);
    expect(['./file.txt', './hard-to-file']).toContain(hardlinks[0]!.linkTarget);
    const run = byPath.get('./run.sh')!;
    expect(run).toMatchObject({ mode: 0o755, content: '#!/bin/sh\necho hi\n', size: 18 });
  });

  it('reads --format=pax: PAX path/linkpath records, including non-ASCII names', async () => {
    const tar = gnuTar('pax', { ...GNU_TREE, 'unicodé-ñame.txt': 'u', '日本語/文件.txt': 'zh' });
    const entries = await expectSameAtEveryChunking(tar);
    const paths = entries.map((e) => e.path);
    expect(paths).toContain(`./${LONG_FILE}`);
    expect(paths).toContain('./unicodé-ñame.txt');
    expect(paths).toContain('./日本語/文件.txt');
    expect(entries.find((e) => e.path === './link-to-long')?.linkTarget).toBe(LONG_FILE);
    expect(entries.find((e) => e.path === './日本語/文件.txt')?.content).toBe('zh');
  });

  it('reads --format=ustar: names over 100 bytes split into the prefix field', async () => {
    const tar = gnuTar('ustar', { 'file.txt': 'x', [LONG_FILE]: 'long\n' });
    const entries = await expectSameAtEveryChunking(tar);
    expect(entries.map((e) => e.path)).toContain(`./${LONG_FILE}`);
    expect(entries.find((e) => e.path === `./${LONG_FILE}`)?.content).toBe('long\n');
  });

  it('reads --format=v7 (no magic; directories as names with a trailing slash)', async () => {
    const tar = gnuTar('v7', { 'a/b.txt': 'bee', 'c.txt': 'sea' });
    const entries = await expectSameAtEveryChunking(tar);
    expect(brief(entries).map(([path, type, , , content]) => [path, type, content])).toEqual([
      ['./', 'directory', ''],
      ['./a/', 'directory', ''],
      ['./a/b.txt', 'file', 'bee'],
      ['./c.txt', 'file', 'sea'],
    ]);
  });

  it('reads named members without a ./ prefix and an archive of only directories', async () => {
    const tar = gnuTar('gnu', { 'x/y/z.txt': 'z' }, ['x']);
    const entries = await readAll(tar);
    expect(entries.map((e) => e.path)).toEqual(['x/', 'x/y/', 'x/y/z.txt']);
  });
});

describe('readTarEntries on Python tarfile archives', () => {
  it('USTAR_FORMAT: a 150-byte path through the prefix field', async () => {
    const tar = pythonTar(`
with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tf:
    add(tf, "${LONG_FILE}", b"prefixed")
    add(tf, "short.txt", b"s", mode=0o600)
`);
    const entries = await expectSameAtEveryChunking(tar);
    expect(brief(entries)).toEqual([
      [LONG_FILE, 'file', 0o644, null, 'prefixed'],
      ['short.txt', 'file', 0o600, null, 's'],
    ]);
  });

  it('PAX_FORMAT: values with spaces, "=", newlines and non-ASCII; long link targets; global headers', async () => {
    const longName = `dir with spaces/${'x'.repeat(120)} = weird.txt`;
    const tar = pythonTar(`
with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT, pax_headers={"comment": "global a=b c"}) as tf:
    add(tf, "dir with spaces/café menu.txt", b"menu")
    add(tf, "${longName}", b"long")
    add(tf, "eq=sign name.txt", b"eq")
    add(tf, "line\\nbreak.txt", b"nl")
    add(tf, "emoji-😀.txt", b"smile")
    add(tf, "link", type=tarfile.SYMTYPE, linkname="${'t'.repeat(150)}/target with space")
`);
    const entries = await expectSameAtEveryChunking(tar);
    expect(brief(entries).map(([path, type, , link, content]) => [path, type, link, content])).toEqual([
      ['dir with spaces/café menu.txt', 'file', null, 'menu'],
      [longName, 'file', null, 'long'],
      ['eq=sign name.txt', 'file', null, 'eq'],
      ['line\nbreak.txt', 'file', null, 'nl'],
      ['emoji-😀.txt', 'file', null, 'smile'],
      ['link', 'symlink', `${'t'.repeat(150)}/target with space`, ''],
    ]);
    for (const entry of entries) expect(entry.header.pax.comment).toBe('global a=b c');
  });

  it('GNU_FORMAT: base-256 numbers, long names and long link targets', async () => {
    const tar = pythonTar(`
with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as tf:
    add(tf, "big-ids.txt", b"ids", uid=2**40, gid=2**33, mtime=2**36)
    add(tf, "${LONG_FILE}", b"gnu long")
    add(tf, "hl", type=tarfile.LNKTYPE, linkname="${LONG_FILE}")
`);
    const entries = await expectSameAtEveryChunking(tar);
    expect(entries[0]!.header).toMatchObject({ uid: 2 ** 40, gid: 2 ** 33, mtime: 2 ** 36 });
    expect(brief(entries.slice(1))).toEqual([
      [LONG_FILE, 'file', 0o644, null, 'gnu long'],
      ['hl', 'hardlink', 0o644, LONG_FILE, ''],
    ]);
  });

  it('reports devices, FIFOs and setuid modes as they are (the policy judges them)', async () => {
    const tar = pythonTar(`
with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tf:
    add(tf, "chr", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
    add(tf, "blk", type=tarfile.BLKTYPE, devmajor=8, devminor=0)
    add(tf, "fifo", type=tarfile.FIFOTYPE)
    add(tf, "suid", b"x", mode=0o4755)
    add(tf, "cont", b"c", type=tarfile.CONTTYPE)
`);
    const entries = await readAll(tar);
    expect(entries.map((e) => [e.path, e.type, e.mode])).toEqual([
      ['chr', 'character-device', 0o644],
      ['blk', 'block-device', 0o644],
      ['fifo', 'fifo', 0o644],
      ['suid', 'file', 0o4755],
      ['cont', 'file', 0o644],
    ]);
  });

  it('streams a large file in chunks without joining them', async () => {
    const size = 3 * 1024 * 1024 + 3;
    const tar = pythonTar(`
with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tf:
    add(tf, "big.bin", bytes(i % 251 for i in range(${size})))
    add(tf, "after.txt", b"after")
`);
    const chunkSizes: number[] = [];
    let checksum = 0;
    let length = 0;
    const names: string[] = [];
    for await (const entry of readTarEntries(streamOfBytes(tar, 65536))) {
      names.push(entry.header.path);
      const reader = entry.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunkSizes.push(value.length);
        for (const byte of value) checksum = (checksum + byte * (length++ % 7)) % 1_000_003;
      }
    }
    let expected = 0;
    for (let i = 0; i < size; i++) expected = (expected + (i % 251) * (i % 7)) % 1_000_003;
    expect(names).toEqual(['big.bin', 'after.txt']);
    expect(length).toBe(size + 5);
    expect(checksum).toBe(
      (expected + [...'after'].reduce((sum, c, i) => sum + c.charCodeAt(0) * ((size + i) % 7), 0)) %
        1_000_003,
    );
    expect(Math.max(...chunkSizes)).toBeLessThanOrEqual(65536);
    expect(chunkSizes.length).toBeGreaterThan(40);
  });
});

describe('readTarEntries on hand-built archives', () => {
  it('applies PAX size over the header size and an empty x value removes a global keyword', async () => {
    const tar = concatBytes([
      testTarHeader({
        name: 'g',
        typeflag: 'g',
        size: paxRecords({ comment: 'global', gname: 'staff' }).length,
      }),
      pad(paxRecords({ comment: 'global', gname: 'staff' })),
      testTarHeader({ name: 'x', typeflag: 'x', size: paxRecords({ size: '5', comment: '' }).length }),
      pad(paxRecords({ size: '5', comment: '' })),
      testTarHeader({ name: 'five.txt', typeflag: '0', size: 0 }),
      pad(new TextEncoder().encode('12345')),
      new Uint8Array(1024),
    ]);
    const [entry] = await readAll(tar, 3);
    expect(entry).toMatchObject({ path: 'five.txt', size: 5, content: '12345' });
    expect(entry!.header.pax).toEqual({ gname: 'staff', size: '5' });
    expect(entry!.header.gname).toBe('staff');
  });

  it('reads a base-256 size field', async () => {
    const header = testTarHeader({ name: 'b256.txt', typeflag: '0', size: 0 });
    header.set([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4], 124);
    header.fill(0x20, 148, 156);
    const sum = header.reduce((a, b) => a + b, 0);
    header.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    const tar = concatBytes([header, pad(new TextEncoder().encode('four')), new Uint8Array(1024)]);
    expect((await readAll(tar))[0]).toMatchObject({ size: 4, content: 'four' });
  });

  it('ignores the prefix bytes of GNU headers (they hold atime/ctime there)', async () => {
    const header = testTarHeader({
      name: 'gnu.txt',
      typeflag: '0',
      size: 1,
      magic: 'gnu',
      prefix: '14000000000',
    });
    const tar = concatBytes([header, pad(new TextEncoder().encode('g')), new Uint8Array(1024)]);
    expect((await readAll(tar))[0]?.path).toBe('gnu.txt');
  });

  it('skips the data of entries whose body was not read', async () => {
    const tar = buildTestTar([
      { name: 'a.txt', content: 'a'.repeat(3000) },
      { name: 'b.txt', content: 'bee' },
    ]);
    const seen: string[] = [];
    for await (const entry of readTarEntries(streamOfBytes(tar, 100))) seen.push(entry.header.path);
    expect(seen).toEqual(['a.txt', 'b.txt']);
  });

  it('refuses to let a body be read after the next entry was requested', async () => {
    const tar = buildTestTar([
      { name: 'a.txt', content: 'aaa' },
      { name: 'b.txt', content: 'b' },
    ]);
    const bodies: ReadableStream<Uint8Array>[] = [];
    for await (const entry of readTarEntries(streamOfBytes(tar))) bodies.push(entry.body);
    await expect(bodies[0]!.getReader().read()).rejects.toThrow(/after the next entry/);
  });

  it('reads the stream to its end after the end marker (so a gzip trailer is checked)', async () => {
    const tar = concatBytes([buildTestTar([{ name: 'a.txt', content: 'a' }]), new Uint8Array(9216)]);
    let delivered = 0;
    const source = streamOfBytes(tar, 512).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          delivered += chunk.length;
          controller.enqueue(chunk);
        },
      }),
    );
    for await (const entry of readTarEntries(source)) await entry.body.cancel();
    expect(delivered).toBe(tar.length);
  });

  it('cancels the source when the caller stops early', async () => {
    const tar = buildTestTar([
      { name: 'a.txt', content: 'a' },
      { name: 'b.txt', content: 'b' },
    ]);
    let cancelled: unknown = null;
    const inner = streamOfBytes(tar, 512).getReader();
    const source = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await inner.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel(reason) {
        cancelled = reason ?? 'cancelled';
      },
    });
    for await (const entry of readTarEntries(source)) {
      expect(entry.header.path).toBe('a.txt');
      break;
    }
    expect(cancelled).not.toBeNull();
  });

  it.each(CHUNKINGS)('refuses a corrupt header checksum (chunks %j)', async (chunks) => {
    const tar = buildTestTar([
      { name: 'ok.txt', content: 'fine' },
      { name: 'bad.txt', content: 'x', checksum: 'corrupt' },
    ]);
    const error = await rejection(tar, chunks);
    expect(error.rule).toBe('bad-checksum');
    expect(error.entry).toBe('bad.txt');
  });

  it('refuses bytes that are not a tar archive at all', async () => {
    const error = await rejection(new TextEncoder().encode('<html>not a tarball</html>'.repeat(40)));
    expect(error.rule).toBe('bad-checksum');
  });

  it('refuses an archive cut in the middle of file data, naming the entry', async () => {
    const tar = buildTestTar([{ name: 'cut.bin', content: 'z'.repeat(2000) }]);
    const error = await rejection(tar.subarray(0, 512 + 700), 100);
    expect(error).toMatchObject({ rule: 'truncated', entry: 'cut.bin' });
  });

  it('refuses an archive cut inside a header', async () => {
    const tar = buildTestTar([
      { name: 'a.txt', content: 'a' },
      { name: 'b.txt', content: 'b' },
    ]);
    expect((await rejection(tar.subarray(0, 1024 + 300))).rule).toBe('truncated');
  });

  it('refuses an archive without the end-of-archive marker, and an empty stream', async () => {
    expect((await rejection(buildTestTar([{ name: 'a.txt', content: 'a' }], { end: false }))).rule).toBe(
      'truncated',
    );
    expect((await rejection(new Uint8Array(0))).rule).toBe('truncated');
  });

  it('refuses PAX records whose length does not match', async () => {
    const data = new TextEncoder().encode('99 path=short\n');
    const tar = concatBytes([
      testTarHeader({ name: 'x', typeflag: 'x', size: data.length }),
      pad(data),
      testTarHeader({ name: 'f', typeflag: '0', size: 0 }),
      new Uint8Array(1024),
    ]);
    expect((await rejection(tar)).rule).toBe('malformed-header');
  });

  it('refuses oversized PAX and GNU long-name records before reading them', async () => {
    const header = testTarHeader({
      name: '././@LongLink',
      typeflag: 'L',
      size: 5 * 1024 * 1024,
      magic: 'gnu',
    });
    await expect(async () => {
      for await (const _ of readTarEntries(streamOfBytes(concatBytes([header, new Uint8Array(1024)])), {
        maxMetadataBytes: 4096,
      })) {
        // nothing
      }
    }).rejects.toMatchObject({ rule: 'max-header-bytes' });
  });

  it('refuses a directory that claims to carry data (readers would disagree about what follows)', async () => {
    const tar = buildTestTar([{ name: 'dir', type: 'directory', size: 512 }]);
    expect(await rejection(tar)).toMatchObject({ rule: 'malformed-header', entry: 'dir' });
  });

  it('refuses names that are not UTF-8 instead of guessing', async () => {
    const tar = concatBytes([
      testTarHeader({ name: new Uint8Array([0x66, 0xff, 0xfe, 0x2e, 0x74]), typeflag: '0', size: 0 }),
      new Uint8Array(1024),
    ]);
    expect((await rejection(tar)).rule).toBe('invalid-name-encoding');
  });

  it('refuses a size field that is not octal', async () => {
    const header = testTarHeader({ name: 'n.txt', typeflag: '0', size: 0 });
    header.set(new TextEncoder().encode('0000000009x\0'), 124);
    header.fill(0x20, 148, 156);
    const sum = header.reduce((a, b) => a + b, 0);
    header.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    expect((await rejection(concatBytes([header, new Uint8Array(1024)]))).rule).toBe('malformed-header');
  });

  it('passes errors of the source stream through unchanged', async () => {
    const boom = new Error('connection reset');
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(buildTestTar([{ name: 'a.txt', content: 'a'.repeat(600) }]).subarray(0, 700));
      },
      pull(controller) {
        controller.error(boom);
      },
    });
    await expect(async () => {
      for await (const entry of readTarEntries(source)) await entry.body.pipeTo(new WritableStream());
    }).rejects.toBe(boom);
  });
});

function pad(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}
