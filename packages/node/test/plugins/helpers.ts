// Shared fixtures for the plugin tests: temp dirs, real archives (GNU tar, Python tarfile), a real
// HTTP server, trees read back from disk, and child processes running the current sources.
import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const here = dirname(new URL(import.meta.url).pathname);
export const repoRoot: string = resolve(here, '../../../..');

/** A fresh temp directory, removed by the returned cleanup. */
export function makeTempDir(prefix = 'plugins-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A file tree: text files, `{ mode }` files, symlinks and directories. */
export type Tree = Record<
  string,
  string | { content: string; mode: number } | { symlink: string } | { dir: true }
>;

/** Writes a tree below `dir`. */
export function writeTree(dir: string, tree: Tree): void {
  for (const [path, spec] of Object.entries(tree)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    if (typeof spec === 'string') writeFileSync(full, spec, { mode: 0o644 });
    else if ('symlink' in spec) symlinkSync(spec.symlink, full);
    else if ('dir' in spec) mkdirSync(full, { recursive: true });
    else writeFileSync(full, spec.content, { mode: spec.mode });
  }
}

/** `tar --format=<format> -czf - -C <tree> .` made by GNU tar, as bytes. */
export function gnuTarGz(tree: Tree, format: 'gnu' | 'pax' | 'ustar' = 'gnu'): Uint8Array {
  const { dir, remove } = makeTempDir('tar-src-');
  try {
    writeTree(dir, tree);
    return new Uint8Array(
      execFileSync('tar', [`--format=${format}`, '--sort=name', '-czf', '-', '-C', dir, '.'], {
        maxBuffer: 512 * 1024 * 1024,
      }),
    );
  } finally {
    remove();
  }
}

/**
 * Runs a Python snippet with `tarfile`, `io`, `out` (BytesIO) and `add(tf, name, data=b"", **attrs)`
 * in scope, gzips what it wrote to `out`, and returns the bytes. This is how the Python SDK's own
 * tests build their hostile archives.
 */
export function pythonTarGz(body: string): Uint8Array {
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
  return new Uint8Array(gzipSync(execFileSync('python3', ['-c', script], { maxBuffer: 256 * 1024 * 1024 })));
}

/** Every entry below `dir`: files as `content`, directories as `<dir>`, symlinks as `-> target`. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const relPath = rel ? `${rel}/${name}` : name;
      const info = lstatSync(join(dir, relPath));
      if (info.isSymbolicLink()) out[relPath] = `-> ${readlinkSync(join(dir, relPath))}`;
      else if (info.isDirectory()) {
        out[relPath] = '<dir>';
        walk(relPath);
      } else out[relPath] = readFileSync(join(dir, relPath), 'utf8');
    }
  };
  walk('');
  return out;
}

/**
 * The names directly inside `dir` (empty when it does not exist), without the plugin sink's
 * version folders: a plugin `<name>` is a link to one of them (see {@link listVersions}).
 */
export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => !VERSION_FOLDER.test(name))
      .sort();
  } catch {
    return [];
  }
}

/** The sink's version folders `.v-<name>-<8 hex>`, which {@link listDir} leaves out. */
const VERSION_FOLDER = /^\.v-.+-[0-9a-f]{8}$/;

/** The version folders of plugin `name` in `pluginsDir` (the installed one and at most the previous one). */
export function listVersions(pluginsDir: string, name: string): string[] {
  try {
    return readdirSync(pluginsDir).filter(
      (entry) => VERSION_FOLDER.test(entry) && entry.slice(3, -9) === name,
    );
  } catch {
    return [];
  }
}

/** A web stream over bytes in chunks (what `fetch` would hand the pipeline). */
export function bytesStream(bytes: Uint8Array, chunk: number = 16 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

/** A real HTTP server on 127.0.0.1 with a request handler. */
export async function startHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Serves fixed bytes with a Content-Length, like the platform's download route. */
export function serveBytes(
  bytes: Uint8Array,
  status = 200,
): Promise<{ url: string; close: () => Promise<void> }> {
  return startHttpServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/gzip', 'content-length': String(bytes.length) });
    res.end(bytes);
  });
}

/** True when process `pid` no longer runs (a zombie waiting for its reaper counts as gone). */
export function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Waits until `check` holds, polling; fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

let bundled: Promise<string> | undefined;
let bundleDir: string | undefined;

/** Removes the bundle made by {@link installChildScript} (call from `afterAll`). */
export function removeInstallChildScript(): void {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  bundleDir = undefined;
  bundled = undefined;
}

/**
 * Bundles test/plugins/fixtures/install-child.ts with the *current* sources of core and node into
 * one ESM file (esbuild), so child processes run exactly the code under test without a build.
 */
export function installChildScript(): Promise<string> {
  bundled ??= (async () => {
    const esbuild = await import('esbuild');
    const outdir = mkdtempSync(join(tmpdir(), 'install-child-'));
    bundleDir = outdir;
    const outfile = join(outdir, 'install-child.mjs');
    await esbuild.build({
      entryPoints: [join(here, 'fixtures/install-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      alias: {
        // A folder, so that the subpaths (`@molecule-ai/agent-core/plugins`, ...) resolve to their index.ts.
        '@molecule-ai/agent-core': join(repoRoot, 'packages/core/src'),
      },
      logLevel: 'silent',
    });
    return outfile;
  })();
  return bundled;
}
