// Real archives for the tar reader tests: GNU tar and Python's tarfile, run as child processes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readTarEntries, type TarEntry, type TarEntryHeader } from '../../src/plugins/tar-reader.js';
import { readAllBytes, streamOfBytes } from '../../src/testing/test-archives.js';

/** A file tree for {@link gnuTar}: path → content, or a symlink / directory marker. */
export type TreeSpec = Record<
  string,
  string | { symlink: string } | { dir: true } | { hardlinkTo: string } | { fifo: true }
>;

/** Writes `tree` into a fresh temp dir and archives it with GNU tar (`tar --format=<format> -cf - -C dir .` or the given members). */
export function gnuTar(
  format: 'gnu' | 'pax' | 'ustar' | 'v7',
  tree: TreeSpec,
  members: string[] = ['.'],
): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'tar-src-'));
  try {
    for (const [path, spec] of Object.entries(tree)) {
      const full = join(dir, path);
      mkdirSync(dirname(full), { recursive: true });
      if (typeof spec === 'string') writeFileSync(full, spec, { mode: path.endsWith('.sh') ? 0o755 : 0o644 });
      else if ('symlink' in spec) symlinkSync(spec.symlink, full);
      else if ('dir' in spec) mkdirSync(full, { recursive: true });
      else if ('hardlinkTo' in spec) execFileSync('ln', [join(dir, spec.hardlinkTo), full]);
      else if ('fifo' in spec) execFileSync('mkfifo', [full]);
    }
    return new Uint8Array(
      execFileSync('tar', [`--format=${format}`, '--sort=name', '-cf', '-', '-C', dir, ...members], {
        maxBuffer: 256 * 1024 * 1024,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs a Python snippet with `tarfile`, `io` and `out` (a BytesIO) in scope and returns the bytes
 * written to `out`. Helper `add(tf, name, data=b"", **attrs)` adds a TarInfo.
 */
export function pythonTar(body: string): Uint8Array {
  const script = `
import io, sys, tarfile
out = io.BytesIO()
def add(tf, name, data=b"", **attrs):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 1700000000
    for key, value in attrs.items():
        setattr(info, key, value)
    tf.addfile(info, io.BytesIO(data) if data else None)
${body}
sys.stdout.buffer.write(out.getvalue())
`;
  return new Uint8Array(execFileSync('python3', ['-c', script], { maxBuffer: 256 * 1024 * 1024 }));
}

/** What the tests compare: a header summary and the full body. */
export interface ReadEntry {
  path: string;
  type: TarEntryHeader['type'];
  size: number;
  mode: number;
  linkTarget: string | null;
  content: string;
  header: TarEntryHeader;
}

/** Reads every entry of a tar held in memory, in chunks of the given sizes. */
export async function readAll(tar: Uint8Array, chunks?: number | number[]): Promise<ReadEntry[]> {
  const out: ReadEntry[] = [];
  for await (const entry of readTarEntries(streamOfBytes(tar, chunks))) out.push(await summarise(entry));
  return out;
}

async function summarise(entry: TarEntry): Promise<ReadEntry> {
  const { header } = entry;
  const content = new TextDecoder().decode(await readAllBytes(entry.body));
  return {
    path: header.path,
    type: header.type,
    size: header.size,
    mode: header.mode,
    linkTarget: header.linkTarget,
    content,
    header,
  };
}
