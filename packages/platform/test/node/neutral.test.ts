// The handler must run unchanged on Node, Bun and workerd: src/ minus src/node uses Web APIs only.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('neutral core', () => {
  it('no node:/bun:/cloudflare: import and no process/Buffer/require outside src/node', () => {
    const offenders: string[] = [];
    for (const file of files(join(pkg, 'src')).filter((f) => !f.includes(`${join('src', 'node')}`))) {
      const text = readFileSync(file, 'utf8');
      if (/from ['"](node:|bun:|cloudflare:)/.test(text) || /\b(process\.|Buffer\.|require\()/.test(text)) {
        offenders.push(relative(pkg, file));
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the built entry bundles with esbuild --platform=neutral without host modules', async () => {
    const result = await build({
      entryPoints: [join(pkg, 'dist', 'index.js')],
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
    expect(imports.filter((p) => /^(node:|bun:|cloudflare:)/.test(p))).toEqual([]);
    expect(Object.keys(result.metafile.inputs).some((p) => p.includes('/node/'))).toBe(false);
  });
});
