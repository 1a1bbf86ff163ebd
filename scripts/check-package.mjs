#!/usr/bin/env node
// Package checks for a published package, run from its folder after `build`:
//  - every `exports` target exists in the build;
//  - publint and @arethetypeswrong/cli pass on the packed tarball (what users really install);
//  - for packages marked `"neutral": true` under `moleculeChecks`, every entry bundles with
//    esbuild --platform=neutral and pulls in no `node:`, `bun:` or `cloudflare:` module and no
//    host global, which is what proves the core runs on any JavaScript host.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const problems = [];

const targets = [];
(function collect(value) {
  if (typeof value === 'string') targets.push(value);
  else if (value && typeof value === 'object') Object.values(value).forEach(collect);
})(pkg.exports);
for (const target of targets) if (!existsSync(target)) problems.push(`exports target missing: ${target}`);

// TypeScript's `moduleResolution: node10` ignores `exports`; it finds a subpath's types only through
// `typesVersions`, so every subpath needs an entry there pointing at the same declaration file.
for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
  if (subpath === '.' || subpath === './package.json' || typeof target !== 'object') continue;
  const mapped = pkg.typesVersions?.['*']?.[subpath.slice(2)];
  if (!mapped || mapped[0] !== target.types) {
    problems.push(
      `typesVersions["*"]["${subpath.slice(2)}"] must be ["${target.types}"] (node10 resolution)`,
    );
  }
}
// The API reference (`npm run docs`) documents exactly the entry points the package exports.
const documented = existsSync('typedoc.json')
  ? JSON.parse(readFileSync('typedoc.json', 'utf8')).entryPoints
  : [];
for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
  if (subpath === './package.json' || typeof target !== 'object') continue;
  const source = target.types.replace('./dist/', './src/').replace(/\.d\.ts$/, '.ts');
  if (!documented.includes(source))
    problems.push(`typedoc.json "entryPoints" lacks ${source} (export "${subpath}")`);
}
for (const file of ['LICENSE', 'README.md']) {
  if (!existsSync(file)) problems.push(`${file} missing from the package folder`);
  if (!pkg.files?.includes(file)) problems.push(`${file} missing from "files"`);
}
for (const field of ['repository', 'homepage', 'bugs', 'keywords']) {
  if (!pkg[field]) problems.push(`package.json has no "${field}"`);
}

const work = mkdtempSync(join(tmpdir(), 'pkgcheck-'));
try {
  const packed = execFileSync('pnpm', ['pack', '--pack-destination', work], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  const tarball = packed.startsWith('/') ? packed : join(work, packed);
  for (const [tool, args] of [
    ['publint', ['publint', '--strict', tarball]],
    ['attw', ['attw', '--pack', '.', '--profile', 'esm-only', '--format', 'table-flipped']],
  ]) {
    try {
      execFileSync(args[0], args.slice(1), { stdio: 'pipe', encoding: 'utf8' });
      console.log(`✓ ${tool}`);
    } catch (error) {
      problems.push(`${tool} failed:\n${error.stdout}${error.stderr}`);
    }
  }

  if (pkg.moleculeChecks?.neutral) {
    const esbuild = await import('esbuild');
    const entries = targets.filter((t) => t.endsWith('.js'));
    const result = await esbuild
      .build({
        entryPoints: entries,
        bundle: true,
        platform: 'neutral',
        format: 'esm',
        mainFields: ['module', 'main'],
        write: false,
        outdir: join(work, 'neutral'),
        metafile: true,
        logLevel: 'silent',
      })
      .catch((error) => ({ error }));
    if (result.error) {
      problems.push(`neutral bundle failed: ${result.error.message}`);
    } else {
      const inputs = Object.keys(result.metafile.inputs);
      const hostImports = Object.values(result.metafile.inputs)
        .flatMap((input) => input.imports.map((i) => i.path))
        .filter(
          (p) =>
            /^(node:|bun:|cloudflare:)/.test(p) ||
            ['fs', 'path', 'os', 'child_process', 'crypto', 'http'].includes(p),
        );
      if (hostImports.length)
        problems.push(`neutral bundle imports host modules: ${[...new Set(hostImports)].join(', ')}`);
      const text = result.outputFiles.map((f) => f.text).join('\n');
      for (const global of ['process.', 'Buffer.', 'Bun.', '__dirname', 'require(']) {
        if (text.includes(global)) problems.push(`neutral bundle uses host global ${global}`);
      }
      console.log(`✓ neutral bundle (${inputs.length} modules)`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (problems.length) {
  console.error(`✗ ${pkg.name}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`✓ ${pkg.name}: package checks passed`);
