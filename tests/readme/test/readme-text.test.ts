import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repository = join(import.meta.dirname, '../../..');

/**
 * Every document whose code samples users copy. Each TypeScript, JavaScript or JSONC block in them
 * sits under a `<!-- sample: FILE -->` line naming the file (from the repository root) that a test
 * compiles and runs: the samples of the root, simulator and demo READMEs live in `samples/` here,
 * the runtime packages' in their own `examples/` (run in their own runtime by their tests).
 */
const DOCUMENTS = [
  'README.md',
  'packages/core/README.md',
  'packages/node/README.md',
  'packages/bun/README.md',
  'packages/workers/README.md',
  'packages/platform/README.md',
  'apps/demo/README.md',
  'docs/migrating-from-python.md',
];

/** The fence languages that are code a test can compile or read (shell and Python are not). */
const CODE = /^(ts|js|typescript|javascript|mjs|jsonc|json)$/;

interface Sample {
  line: number;
  language: string;
  file: string | undefined;
  code: string;
}

/** The fenced code blocks of a document, each with the `<!-- sample: FILE -->` marker above it, if any. */
function samplesOf(markdown: string): Sample[] {
  const lines = markdown.split('\n');
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)/.exec(lines[i] ?? '');
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    const marker = /^<!-- sample: (\S+) -->$/.exec(lines[i - 1] ?? '');
    samples.push({
      line: i + 1,
      language: fence[1] ?? '',
      file: marker?.[1],
      code: lines.slice(i + 1, end).join('\n'),
    });
    i = end;
  }
  return samples;
}

describe.each(DOCUMENTS)('%s', (path) => {
  const samples = samplesOf(readFileSync(join(repository, path), 'utf8'));
  const code = samples.filter((s) => CODE.test(s.language));

  it('every code sample names its file', () => {
    const unmarked = code.filter((s) => s.file === undefined).map((s) => `line ${s.line}`);
    expect(unmarked).toEqual([]);
  });

  it('marks only code blocks', () => {
    const stray = samples.filter((s) => s.file !== undefined && !CODE.test(s.language));
    expect(stray.map((s) => `line ${s.line}`)).toEqual([]);
  });

  const marked = code.filter((s): s is Sample & { file: string } => s.file !== undefined);
  it.each(marked)('the sample at line $line is $file, word for word', ({ file, code: text }) => {
    const onDisk = join(repository, file);
    expect(existsSync(onDisk), `${file} exists`).toBe(true);
    expect(text).toBe(readFileSync(onDisk, 'utf8').replace(/\n$/, ''));
  });
});

it('the parser sees the unmarked blocks it must', () => {
  const found = samplesOf(
    ['text', '```ts', 'a', '```', '<!-- sample: x.ts -->', '```js', 'b', '```'].join('\n'),
  );
  expect(found).toEqual([
    { line: 2, language: 'ts', file: undefined, code: 'a' },
    { line: 6, language: 'js', file: 'x.ts', code: 'b' },
  ]);
});
