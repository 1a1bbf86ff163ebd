import type { PluginSink, StagingArea } from '../ports/plugin-sink.js';
import { assert, type TestApi } from './harness.js';
import { readAllBytes, streamOfBytes } from './test-archives.js';

/** What a runtime hands the {@link testPluginSink} suite: a fresh sink and a way to read what it installed. */
export interface PluginSinkContractSubject {
  sink: PluginSink;
  /** Every regular file below `path` (as returned by `commit`), relative POSIX path → content as UTF-8. */
  readTree(path: string): Promise<Record<string, string>>;
  dispose?(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const text = (value: string): ReadableStream<Uint8Array> => streamOfBytes(encoder.encode(value), 3);

async function stageAndCommit(
  sink: PluginSink,
  name: string,
  files: Record<string, string>,
): Promise<string> {
  const staging = await sink.beginStaging(name);
  for (const [path, content] of Object.entries(files)) await staging.writeFile(path, text(content), 0o644);
  return staging.commit();
}

function sorted(tree: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function listFiles(staging: StagingArea): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const file of staging.files()) {
    const bytes = await readAllBytes(file.open());
    assert.equal(file.size, bytes.length, `listed size of ${file.path}`);
    out[file.path] = decoder.decode(bytes);
  }
  return sorted(out);
}

/**
 * The behaviour every {@link PluginSink} must have, written against the port only. Run it in each
 * runtime against that runtime's sink: `testPluginSink({ describe, it }, async () => ({ sink, readTree }))`.
 */
export function testPluginSink(api: TestApi, factory: () => Promise<PluginSinkContractSubject>): void {
  const { describe, it } = api;
  const withSubject =
    (fn: (subject: PluginSinkContractSubject) => Promise<void>) => async (): Promise<void> => {
      const subject = await factory();
      try {
        await fn(subject);
      } finally {
        await subject.dispose?.();
      }
    };

  describe(`PluginSink contract`, () => {
    it(
      'stages files (creating missing parents) and directories, and lists and reads them back',
      withSubject(async ({ sink }) => {
        await sink.cleanup('contract');
        const staging = await sink.beginStaging('contract');
        assert.ok(typeof staging.path === 'string' && staging.path.length > 0, 'a staging path');
        await staging.mkdir('docs', 0o755);
        await staging.mkdir('empty/nested', 0o755);
        await staging.writeFile('docs/a.md', text('alpha'), 0o644);
        await staging.writeFile('deep/x/y.txt', text('why'), 0o755);
        await staging.writeFile('zero.bin', text(''), 0o644);
        assert.deepEqual(
          await listFiles(staging),
          { 'deep/x/y.txt': 'why', 'docs/a.md': 'alpha', 'zero.bin': '' },
          'staged files',
        );
        const one = assert.present(await staging.file('docs/a.md'), 'file() to find a staged file');
        assert.equal(decoder.decode(await readAllBytes(one.open())), 'alpha', 'file() content');
        assert.equal(await staging.file('missing.txt'), null, 'file() of a missing path');
        assert.equal(await staging.file('docs'), null, 'file() of a directory');
        await staging.discard();
      }),
    );

    it(
      'a later write of the same path replaces the earlier file',
      withSubject(async ({ sink }) => {
        const staging = await sink.beginStaging('contract');
        await staging.writeFile('a.txt', text('first version, longer'), 0o644);
        await staging.writeFile('a.txt', text('second'), 0o644);
        assert.deepEqual(await listFiles(staging), { 'a.txt': 'second' }, 'staged files');
        await staging.discard();
      }),
    );

    it(
      'createFile (when the sink has it) copies each piece before write resolves: the caller reuses its buffer',
      withSubject(async ({ sink }) => {
        const staging = await sink.beginStaging('contract');
        if (!staging.createFile) {
          await staging.discard();
          return;
        }
        const pattern = (size: number, seed: number): Uint8Array => {
          const data = new Uint8Array(size);
          for (let i = 0; i < size; i++) data[i] = (i * 13 + seed + (i >> 9)) & 0xff;
          return data;
        };
        // One piece buffer for everything, overwritten with garbage right after each write.
        const piece = new Uint8Array(4096);
        const files = {
          'small.bin': pattern(10_000, 1),
          'dir/large.bin': pattern(1024 * 1024 + 3, 2),
          'empty.bin': pattern(0, 3),
        };
        for (const [path, data] of Object.entries(files)) {
          const writer = await staging.createFile(path, data.length, 0o644);
          for (let offset = 0; offset < data.length; offset += piece.length) {
            const part = data.subarray(offset, offset + piece.length);
            piece.set(part);
            await writer.write(piece.subarray(0, part.length));
            piece.fill(0xee);
          }
          await writer.close();
        }
        for (const [path, data] of Object.entries(files)) {
          const file = assert.present(await staging.file(path), `${path} staged`);
          const back = await readAllBytes(file.open());
          assert.equal(back.length, data.length, `size of ${path}`);
          let same = true;
          for (let i = 0; i < data.length; i++) if (back[i] !== data[i]) same = false;
          assert.ok(same, `identical bytes in ${path}`);
        }
        await staging.discard();
      }),
    );

    it(
      'writes a file that arrives in many chunks intact',
      withSubject(async ({ sink }) => {
        const staging = await sink.beginStaging('contract');
        const data = new Uint8Array(3 * 1024 * 1024 + 17);
        for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 11)) & 0xff;
        await staging.writeFile('big.bin', streamOfBytes(data, [65536, 1, 4093]), 0o644);
        const file = assert.present(await staging.file('big.bin'), 'big.bin staged');
        const back = await readAllBytes(file.open());
        assert.equal(back.length, data.length, 'size');
        let same = true;
        for (let i = 0; i < data.length; i++) if (back[i] !== data[i]) same = false;
        assert.ok(same, 'identical bytes');
        await staging.discard();
      }),
    );

    it(
      'commit installs the tree, installedPath finds it, and a second commit replaces it entirely',
      withSubject(async ({ sink, readTree }) => {
        assert.equal(await sink.installedPath('contract'), null, 'nothing installed yet');
        const first = await stageAndCommit(sink, 'contract', { 'old.txt': 'old', 'keep/me.txt': 'v1' });
        assert.equal(await sink.installedPath('contract'), first, 'installedPath after the first commit');
        assert.deepEqual(
          sorted(await readTree(first)),
          { 'keep/me.txt': 'v1', 'old.txt': 'old' },
          'first version',
        );
        const second = await stageAndCommit(sink, 'contract', { 'keep/me.txt': 'v2', 'new.txt': 'new' });
        assert.equal(second, first, 'the plugin keeps its location');
        assert.deepEqual(
          sorted(await readTree(second)),
          { 'keep/me.txt': 'v2', 'new.txt': 'new' },
          'second version, nothing left of the first',
        );
      }),
    );

    it(
      'discard leaves the installed version untouched, and a discarded first install leaves nothing',
      withSubject(async ({ sink, readTree }) => {
        const staging = await sink.beginStaging('never');
        await staging.writeFile('x.txt', text('x'), 0o644);
        await staging.discard();
        await staging.discard();
        assert.equal(await sink.installedPath('never'), null, 'a discarded first install is not installed');

        const path = await stageAndCommit(sink, 'contract', { 'a.txt': 'installed' });
        const update = await sink.beginStaging('contract');
        await update.writeFile('a.txt', text('half-written update'), 0o644);
        await update.discard();
        assert.deepEqual(
          sorted(await readTree(path)),
          { 'a.txt': 'installed' },
          'installed version after a discarded update',
        );
      }),
    );

    it(
      'a write whose stream fails rejects, and the staging area can still be discarded',
      withSubject(async ({ sink }) => {
        const staging = await sink.beginStaging('contract');
        let sent = false;
        const failing = new ReadableStream<Uint8Array>({
          pull(controller): void {
            if (!sent) {
              sent = true;
              controller.enqueue(encoder.encode('partial'));
            } else controller.error(new Error('source broke'));
          },
        });
        await assert.rejects(
          staging.writeFile('broken.txt', failing, 0o644),
          () => true,
          'writeFile with a failing stream',
        );
        await staging.discard();
        assert.equal(await sink.installedPath('contract'), null, 'nothing installed');
      }),
    );

    it(
      'lock serialises holders of one plugin name and leaves other names free',
      withSubject(async ({ sink }) => {
        const events: string[] = [];
        const releaseFirst = await sink.lock('contract');
        events.push('first acquired');
        const other = await sink.lock('another');
        events.push('other name acquired');
        const second = sink.lock('contract').then((release) => {
          events.push('second acquired');
          return release;
        });
        // Let the waiter poll a few times; it must not get the lock while the first holds it.
        for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 10));
        events.push('first released');
        await releaseFirst();
        const releaseSecond = await second;
        await releaseSecond();
        await other();
        assert.deepEqual(
          events,
          ['first acquired', 'other name acquired', 'first released', 'second acquired'],
          'lock order',
        );
      }),
    );

    it(
      'waiting for a lock stops when the signal aborts',
      withSubject(async ({ sink }) => {
        const release = await sink.lock('contract');
        const controller = new AbortController();
        const waiting = sink.lock('contract', controller.signal);
        controller.abort(new Error('stop waiting'));
        await assert.rejects(waiting, () => true, 'lock() after abort');
        await release();
        const again = await sink.lock('contract');
        await again();
      }),
    );

    it(
      'cleanup is harmless for unknown plugins and keeps the installed version',
      withSubject(async ({ sink, readTree }) => {
        await sink.cleanup('unknown-plugin');
        const path = await stageAndCommit(sink, 'contract', { 'a.txt': 'a' });
        await sink.cleanup('contract');
        assert.deepEqual(sorted(await readTree(path)), { 'a.txt': 'a' }, 'installed version after cleanup');
        assert.equal(await sink.installedPath('contract'), path, 'still installed');
      }),
    );
  });
}
