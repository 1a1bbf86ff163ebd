import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repository = join(import.meta.dirname, '../../..');

/**
 * The READMEs whose every TypeScript or JavaScript sample must be a file of this package
 * (`all`), and those where only the marked samples are (the rest are checked elsewhere).
 */
const READMES = [
  { path: 'README.md', all: true },
  { path: 'packages/platform/README.md', all: true },
  { path: 'apps/demo/README.md', all: true },
  { path: 'packages/node/README.md', all: false },
];

interface Sample {
  line: number;
  language: string;
  file: string | undefined;
  code: string;
}

/** The fenced code blocks of a README, each with the `<!-- sample: FILE -->` marker above it, if any. */
function samplesOf(markdown: string): Sample[] {
  const lines = markdown.split('\n');
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w+)/.exec(lines[i] ?? '');
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

describe.each(READMES)('$path', ({ path, all }) => {
  const samples = samplesOf(readFileSync(join(repository, path), 'utf8'));
  const code = samples.filter((s) => /^(ts|js|typescript|javascript|mjs)$/.test(s.language));

  it(all ? 'every TypeScript and JavaScript sample names its file' : 'has marked samples', () => {
    const unmarked = code.filter((s) => s.file === undefined).map((s) => `line ${s.line}`);
    if (all) expect(unmarked).toEqual([]);
    else expect(code.some((s) => s.file !== undefined)).toBe(true);
  });

  const marked = code.filter((s): s is Sample & { file: string } => s.file !== undefined);
  it.each(marked)('the sample at line $line is $file, word for word', ({ file, code: text }) => {
    const onDisk = readFileSync(join(repository, file), 'utf8').replace(/\n$/, '');
    expect(text).toBe(onDisk);
  });
});
