// Archives within every byte limit that used to cost quadratic time: PAX global headers copied
// into every entry, repeated extended headers merged again and again, parent folders claimed in
// O(depth²), and no turn for timers while thousands of small entries went by.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UnsafeArchiveError } from '../../src/errors.js';
import { createArchivePolicy } from '../../src/plugins/archive-policy.js';
import { installPluginArchive } from '../../src/plugins/install-plugin-archive.js';
import { readTarEntries, type TarEntryHeader } from '../../src/plugins/tar-reader.js';
import type { Clock } from '../../src/ports/clock.js';
import { createMemoryPluginSink } from '../../src/testing/memory-plugin-sink.js';
import { concatBytes, paxRecords, streamOfBytes, testTarHeader } from '../../src/testing/test-archives.js';

function pad(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}

/** A PAX header block (`x` or `g`) with its records. */
function paxHeader(typeflag: 'x' | 'g', records: Record<string, string>): Uint8Array {
  const data = paxRecords(records);
  return concatBytes([testTarHeader({ name: 'PaxHeader', typeflag, size: data.length }), pad(data)]);
}

/** `count` distinct keys with short values: as many records as `bytes` allow. */
function manyKeys(bytes: number): Record<string, string> {
  const records: Record<string, string> = {};
  const perRecord = 16;
  for (let i = 0; i < bytes / perRecord; i++) records[`k${i}`] = 'v';
  return records;
}

function file(name: string, content = ''): Uint8Array {
  const data = new TextEncoder().encode(content);
  return concatBytes([testTarHeader({ name, typeflag: '0', size: data.length }), pad(data)]);
}

const END = new Uint8Array(1024);

async function readAll(tar: Uint8Array, options = {}): Promise<TarEntryHeader[]> {
  const headers: TarEntryHeader[] = [];
  for await (const entry of readTarEntries(streamOfBytes(tar, 64 * 1024), options))
    headers.push(entry.header);
  return headers;
}

async function rejection(tar: Uint8Array, options = {}): Promise<UnsafeArchiveError> {
  try {
    await readAll(tar, options);
  } catch (error) {
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    return error as UnsafeArchiveError;
  }
  throw new Error('expected a refusal');
}

describe('extended headers are capped, per header and per archive', () => {
  it('a PAX global header of 1 MiB of keys is refused, naming the 64 KiB limit', async () => {
    const tar = concatBytes([paxHeader('g', manyKeys(1024 * 1024)), file('a'), END]);
    const error = await rejection(tar);
    expect(error.rule).toBe('max-header-bytes');
    expect(error.message).toContain('65536');
  });

  it('many global headers under the per-header limit are refused past 8 MiB in total', async () => {
    const parts: Uint8Array[] = [];
    const header = paxHeader('g', { comment: 'x'.repeat(48 * 1024) });
    for (let i = 0; i < 200; i++) parts.push(header, file(`f${i}`));
    const error = await rejection(concatBytes([...parts, END]));
    expect(error.rule).toBe('max-metadata-bytes');
    expect(error.message).toContain(String(8 * 1024 * 1024));
  });

  it('repeated x headers count toward the total as well (each merged once)', async () => {
    const parts: Uint8Array[] = [];
    const header = paxHeader('x', { comment: 'x'.repeat(16 * 1024) });
    for (let i = 0; i < 40; i++) parts.push(header);
    const error = await rejection(concatBytes([...parts, file('a'), END]), {
      maxMetadataTotalBytes: 256 * 1024,
    });
    expect(error.rule).toBe('max-metadata-bytes');
  });
});

describe('PAX records keep their meaning without being copied per entry', () => {
  it('an entry sees the global records in force at its place, not later ones', async () => {
    const tar = concatBytes([
      paxHeader('g', { comment: 'first', uname: 'alice' }),
      file('one'),
      paxHeader('g', { comment: 'second', uname: '' }),
      file('two'),
      END,
    ]);
    const [one, two] = await readAll(tar);
    expect(one!.pax).toEqual({ comment: 'first', uname: 'alice' });
    expect(one!.uname).toBe('alice');
    expect(two!.pax).toEqual({ comment: 'second' });
    expect(two!.uname).toBe('user'); // the global uname was removed: back to the header field
  });

  it('several x headers before one entry merge, the later record winning', async () => {
    const tar = concatBytes([
      paxHeader('x', { path: 'first-name', comment: 'a' }),
      paxHeader('x', { path: 'final-name' }),
      file('short'),
      END,
    ]);
    const [entry] = await readAll(tar);
    expect(entry!.path).toBe('final-name');
    expect(entry!.pax).toEqual({ path: 'final-name', comment: 'a' });
  });

  it('a global GNU sparse record makes later files sparse unless the entry removes it', async () => {
    const tar = concatBytes([
      paxHeader('g', { 'GNU.sparse.major': '1' }),
      file('a'),
      paxHeader('x', { 'GNU.sparse.major': '' }),
      file('b'),
      END,
    ]);
    const [a, b] = await readAll(tar);
    expect(a!.type).toBe('sparse');
    expect(b!.type).toBe('file');
  });
});

describe('deep names', () => {
  it('a deep chain of folders is claimed once and every entry under it admitted', () => {
    const policy = createArchivePolicy();
    const deep = 'd/'.repeat(1_900);
    for (let i = 0; i < 200; i++) {
      expect(
        policy.admit({ path: `${deep}f${i}`, type: 'file', size: 0, mode: 0o644, linkTarget: null }),
      ).toMatchObject({ kind: 'file' });
    }
    expect(policy.entries).toBe(200);
  });

  it('folders implied by names count toward the entry limit', () => {
    const policy = createArchivePolicy({ maxEntries: 100 });
    let error: unknown;
    try {
      policy.admit({ path: `${'d/'.repeat(150)}f`, type: 'file', size: 0, mode: 0o644, linkTarget: null });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect(error).toMatchObject({ rule: 'max-entries' });
    expect((error as Error).message).toContain('100 folders');
  });

  it('look-alike and case checks still work per folder', () => {
    const policy = createArchivePolicy();
    policy.admit({ path: 'dir/Readme.md', type: 'file', size: 0, mode: 0o644, linkTarget: null });
    expect(() =>
      policy.admit({ path: 'dir/README.md', type: 'file', size: 0, mode: 0o644, linkTarget: null }),
    ).toThrow(/only in letter case/);
    expect(() =>
      policy.admit({ path: 'Dir/x', type: 'file', size: 0, mode: 0o644, linkTarget: null }),
    ).toThrow(/only in letter case/);
    policy.admit({ path: 'caf\u00e9/a', type: 'file', size: 0, mode: 0o644, linkTarget: null });
    expect(() =>
      policy.admit({ path: 'cafe\u0301/b', type: 'file', size: 0, mode: 0o644, linkTarget: null }),
    ).toThrow(/Unicode normalisation/);
    expect(() =>
      policy.admit({ path: 'dir/Readme.md/x', type: 'file', size: 0, mode: 0o644, linkTarget: null }),
    ).toThrow(/is a file/);
  });
});

describe('the install gives timers a turn', () => {
  it('yields to the event loop while entries go by, by the injected clock', async () => {
    // A clock on which every reading is 25 ms later: the install must yield about every entry.
    let now = 0;
    const clock: Clock = {
      now: () => (now += 25),
      sleep: () => Promise.resolve(),
    };
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) parts.push(file(`f${i}.txt`, 'x'));
    const archive = gzipSync(concatBytes([...parts, END]));
    let ticks = 0;
    let ticking = true;
    const tick = (): void => {
      ticks += 1;
      if (ticking) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    const result = await installPluginArchive(streamOfBytes(archive), {
      name: 'many-small',
      sink: createMemoryPluginSink(),
      runSetup: false,
      clock,
    });
    ticking = false;
    expect(result.files).toBe(300);
    expect(ticks).toBeGreaterThanOrEqual(100);
  });
});
