// Bundles the example worker the way wrangler would for production (esbuild, ESM, minified, the
// `workerd`/`worker`/`browser` export conditions, no Node polyfills) and measures it. Used by the
// example launcher (what Miniflare runs) and by `check:pkg` (size and "no Node built-ins").
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const NODE_BUILTINS = new Set([
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'events',
  'fs',
  'http',
  'https',
  'net',
  'os',
  'path',
  'process',
  'stream',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
]);

/**
 * @param {{ minify?: boolean, platform?: 'browser' | 'neutral', entry?: string }} [options]
 * @returns {Promise<{ code: string, bytes: number, gzipBytes: number, modules: string[], hostImports: string[] }>}
 */
export async function bundleExampleWorker(options = {}) {
  const result = await build({
    entryPoints: [new URL(`./src/${options.entry ?? 'worker.ts'}`, import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: options.platform ?? 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    target: 'es2022',
    minify: options.minify ?? true,
    write: false,
    metafile: true,
    // Resolve this package through its `exports` (the built dist, as a user gets it), not through
    // the `paths` of tsconfig.json that the type-checker uses.
    tsconfigRaw: '{}',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
  const hostImports = [
    ...new Set(imports.filter((p) => p.startsWith('node:') || NODE_BUILTINS.has(p.split('/')[0]))),
  ];
  return {
    code,
    bytes: Buffer.byteLength(code),
    gzipBytes: gzipSync(code, { level: 9 }).length,
    modules: Object.keys(result.metafile.inputs),
    hostImports,
  };
}
