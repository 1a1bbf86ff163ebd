import { describe, expect, it } from 'vitest';
import { UnsafeArchiveError } from '../../src/errors.js';
import {
  type ArchiveEntryInput,
  type ArchivePolicyOptions,
  createArchivePolicy,
  DEFAULT_MAX_PLUGIN_BYTES,
} from '../../src/plugins/archive-policy.js';
import { escapeEntryName } from '../../src/plugins/entry-name.js';

type Entry = Partial<ArchiveEntryInput> & { path: string };

function input(entry: Entry): ArchiveEntryInput {
  return { type: 'file', size: 0, mode: 0o644, linkTarget: null, ...entry };
}

/** Admits entries in order; returns the admitted list, or the error of the first refused one. */
function run(entries: Entry[], options?: ArchivePolicyOptions) {
  const policy = createArchivePolicy(options);
  const admitted = entries.map((entry) => policy.admit(input(entry)));
  policy.finish();
  return admitted;
}

function refusal(entries: Entry[], options?: ArchivePolicyOptions): UnsafeArchiveError {
  try {
    run(entries, options);
  } catch (error) {
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    return error as UnsafeArchiveError;
  }
  throw new Error('expected a refusal');
}

describe('archive policy: types', () => {
  it('admits regular files and directories with normalised modes', () => {
    expect(
      run([
        { path: 'dir', type: 'directory', mode: 0o700 },
        { path: 'dir/run.sh', mode: 0o744, size: 10 },
        { path: 'dir/data.txt', mode: 0o666, size: 5 },
        { path: 'shared', type: 'directory', mode: 0o2777 },
      ]),
    ).toEqual([
      { kind: 'directory', path: 'dir', mode: 0o755 },
      { kind: 'file', path: 'dir/run.sh', mode: 0o755, size: 10 },
      { kind: 'file', path: 'dir/data.txt', mode: 0o644, size: 5 },
      { kind: 'directory', path: 'shared', mode: 0o755 },
    ]);
  });

  it.each([
    ['hardlink', 'hardlink'],
    ['character-device', 'device'],
    ['block-device', 'device'],
    ['fifo', 'fifo'],
    ['sparse', 'unsupported-type'],
    ['unknown', 'unsupported-type'],
  ])('refuses %s entries (rule %s), naming the entry', (type, rule) => {
    const error = refusal([{ path: 'ok.txt' }, { path: 'bad-entry', type, linkTarget: 'ok.txt' }]);
    expect(error.rule).toBe(rule);
    expect(error.entry).toBe('bad-entry');
    expect(error.message).toContain('bad-entry');
  });

  it('admits an in-tree relative symlink by default (CLAUDE.md -> AGENTS.md; Python skipped every link); allowSymlinks: false refuses all', () => {
    expect(
      run([{ path: 'AGENTS.md' }, { path: 'CLAUDE.md', type: 'symlink', linkTarget: 'AGENTS.md' }]),
    ).toEqual([
      { kind: 'file', path: 'AGENTS.md', mode: 0o644, size: 0 },
      { kind: 'symlink', path: 'CLAUDE.md', target: 'AGENTS.md' },
    ]);
    expect(
      refusal([{ path: 'l', type: 'symlink', linkTarget: 'x' }], { allowSymlinks: false }),
    ).toMatchObject({
      rule: 'symlink',
      entry: 'l',
    });
  });

  it.each([
    ['/etc/passwd', 'absolute'],
    ['../outside', 'escaping'],
    ['sub/../../outside', 'escaping through a folder'],
  ])('still refuses %j by default (%s)', (target) => {
    expect(refusal([{ path: 'l', type: 'symlink', linkTarget: target }])).toMatchObject({
      rule: 'symlink-escape',
    });
  });

  it('still refuses, by default, a chain that escapes and any entry written through a link', () => {
    expect(
      refusal([
        { path: 'l', type: 'symlink', linkTarget: '.' },
        { path: 'x', type: 'symlink', linkTarget: 'l/../..' },
      ]),
    ).toMatchObject({ rule: 'symlink-escape' });
    expect(
      refusal([
        { path: 'l', type: 'symlink', linkTarget: '.' },
        { path: 'x', type: 'symlink', linkTarget: 'l/..' },
      ]),
    ).toMatchObject({ rule: 'symlink-chain', entry: 'x' });
    expect(
      refusal([
        { path: 'd', type: 'symlink', linkTarget: 'real' },
        { path: 'd/f', type: 'file' },
      ]),
    ).toMatchObject({ rule: 'path-through-symlink', entry: 'd/f' });
  });

  it('refuses setuid and setgid files, and drops sticky and write-for-all bits', () => {
    expect(refusal([{ path: 'su', mode: 0o4755 }]).rule).toBe('setuid');
    expect(refusal([{ path: 'sg', mode: 0o2755 }]).rule).toBe('setgid');
    expect(run([{ path: 'st', mode: 0o1777 }])).toEqual([{ kind: 'file', path: 'st', mode: 0o755, size: 0 }]);
  });
});

describe('archive policy: names', () => {
  it.each([
    ['../escape.txt', 'path-traversal'],
    ['../../file', 'path-traversal'],
    ['a/../../../b.txt', 'path-traversal'],
    ['日本語/../../file.txt', 'path-traversal'],
    ['/etc/passwd', 'absolute-path'],
    ['//server/share', 'absolute-path'],
    ['C:/Windows/x', 'drive-letter'],
    ['c:evil', 'drive-letter'],
    ['dir\\..\\x', 'backslash'],
    ['nul\0byte', 'nul-in-path'],
    ['bell\u0007', 'control-character'],
    ['line\nbreak', 'control-character'],
    ['csi\u009b31m', 'control-character'],
    ['nel\u0085x', 'control-character'],
    ['evil\u202etxt.sh', 'bidi-control'],
    ['\u202aembedded', 'bidi-control'],
    ['iso\u2066late\u2069', 'bidi-control'],
    ['dir\u2068/x', 'bidi-control'],
    ['a//b', 'empty-segment'],
    ['a/./b', 'dot-segment'],
    ['', 'empty-path'],
    ['./', 'empty-path'],
    [`${'x'.repeat(256)}`, 'path-too-long'],
    [`${'abcdefgh/'.repeat(460)}f`, 'path-too-long'],
  ])('refuses %j (rule %s)', (path, rule) => {
    expect(refusal([{ path }])).toMatchObject({ rule, entry: escapeEntryName(path) });
  });

  it('names a refused entry escaped: no control or bidi character reaches the message or the entry field', () => {
    const error = refusal([{ path: 'a\u001b[2Jb\u009b\u202egnp.sh' }]) as UnsafeArchiveError;
    expect(error.entry).toBe('a\\u001b[2Jb\\u009b\\u202egnp.sh');
    expect(error.message).toContain('"a\\u001b[2Jb\\u009b\\u202egnp.sh"');
    expect(`${error.message}${JSON.stringify(error.toJSON())}`).not.toMatch(
      /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
    );
  });

  it('refuses a symlink target with a bidi or C1 control', () => {
    for (const target of ['x\u202e', 'y\u0090']) {
      expect(
        refusal([{ path: 'l', type: 'symlink', linkTarget: target }], { allowSymlinks: true }),
      ).toMatchObject({
        rule: 'symlink-escape',
      });
    }
  });

  it('refuses ".." even when it would stay inside (stricter than Python, which resolves it)', () => {
    expect(refusal([{ path: 'subdir/../outdir/file.txt' }]).rule).toBe('path-traversal');
    expect(refusal([{ path: 'foo/./bar/../baz.txt' }]).rule).toMatch(/dot-segment|path-traversal/);
  });

  it('strips a leading "./" (GNU tar -C dir .) and ignores the root entry', () => {
    expect(
      run([
        { path: './', type: 'directory' },
        { path: '.', type: 'directory' },
        { path: './file.txt' },
        { path: '././nested/', type: 'directory' },
      ]),
    ).toEqual([
      { kind: 'root' },
      { kind: 'root' },
      { kind: 'file', path: 'file.txt', mode: 0o644, size: 0 },
      { kind: 'directory', path: 'nested', mode: 0o755 },
    ]);
  });

  it('admits Unicode names, spaces, "=" and dotfiles', () => {
    const paths = ['日本語/文件.txt', 'with space/a = b.txt', '.hidden', 'emoji-😀.md', '..dots-in-name'];
    expect(run(paths.map((path) => ({ path }))).map((a) => ('path' in a ? a.path : null))).toEqual(paths);
  });
});

describe('archive policy: collisions', () => {
  it('lets a file repeat as a file (last wins) and a directory repeat as a directory', () => {
    expect(
      run([
        { path: 'a.txt' },
        { path: 'a.txt' },
        { path: 'd', type: 'directory' },
        { path: 'd/', type: 'directory' },
      ]),
    ).toHaveLength(4);
  });

  it.each([
    [[{ path: 'x' }, { path: 'x', type: 'directory' }], 'duplicate-type-change', 'x'],
    [[{ path: 'x', type: 'directory' }, { path: 'x' }], 'duplicate-type-change', 'x'],
    [[{ path: 'x/y' }, { path: 'x' }], 'duplicate-type-change', 'x'],
    [[{ path: 'x' }, { path: 'x/y' }], 'parent-not-directory', 'x/y'],
    [[{ path: 'l', type: 'symlink', linkTarget: 'd' }, { path: 'l/f' }], 'path-through-symlink', 'l/f'],
    [
      [
        { path: 'l', type: 'symlink', linkTarget: 'a' },
        { path: 'l', type: 'symlink', linkTarget: 'b' },
      ],
      'duplicate-type-change',
      'l',
    ],
    [
      [
        { path: 'd', type: 'directory' },
        { path: 'd', type: 'symlink', linkTarget: 'e' },
      ],
      'duplicate-type-change',
      'd',
    ],
  ] as [Entry[], string, string][])('refuses %j (rule %s)', (entries, rule, entry) => {
    expect(refusal(entries, { allowSymlinks: true })).toMatchObject({ rule, entry });
  });

  it('refuses names equal after NFC normalisation but spelt differently', () => {
    const composed = 'caf\u00e9.txt';
    const decomposed = 'cafe\u0301.txt';
    expect(refusal([{ path: composed }, { path: decomposed }])).toMatchObject({
      rule: 'unicode-duplicate',
      entry: decomposed,
    });
    expect(refusal([{ path: `${composed}/x` }, { path: `${decomposed}/y` }]).rule).toBe('unicode-duplicate');
  });

  it('refuses a look-alike in either order and names the spelling admitted first', () => {
    const composed = 'caf\u00e9.txt';
    const decomposed = 'cafe\u0301.txt';
    const later = refusal([{ path: `d/${decomposed}` }, { path: `d/${composed}` }]);
    expect(later).toMatchObject({ rule: 'unicode-duplicate', entry: `d/${composed}` });
    expect(later.message).toContain(`"d/${decomposed}"`);
    expect(refusal([{ path: `d/${composed}` }, { path: `d/${decomposed}` }]).message).toContain(
      `"d/${composed}"`,
    );
  });

  it('finds a case collision whichever spelling came first, and lets a name repeat as itself', () => {
    for (const [first, second, earlier] of [
      ['README.md', 'readme.md', 'README.md'],
      ['readme.md', 'README.md', 'readme.md'],
      ['ReadMe.md', 'README.md', 'ReadMe.md'],
      ['docs/readme.md', 'docs/Readme.md', 'docs/readme.md'],
      ['docs/a', 'DOCS/b', 'docs'],
    ] as const) {
      const error = refusal([{ path: first }, { path: second }]);
      expect(error).toMatchObject({ rule: 'case-collision', entry: second });
      expect(error.message).toContain(`differs from "${earlier}" only in letter case`);
    }
    for (const name of ['readme.md', 'README.md', 'docs/Guide.md']) {
      expect(run([{ path: name }, { path: name }])).toHaveLength(2);
    }
  });

  it('refuses names that differ only in case unless allowCaseCollisions', () => {
    expect(refusal([{ path: 'README.md' }, { path: 'readme.md' }])).toMatchObject({
      rule: 'case-collision',
      entry: 'readme.md',
    });
    expect(refusal([{ path: 'Docs/a' }, { path: 'docs/b' }]).rule).toBe('case-collision');
    expect(run([{ path: 'README.md' }, { path: 'readme.md' }], { allowCaseCollisions: true })).toHaveLength(
      2,
    );
  });
});

describe('archive policy: symlinks (when allowed)', () => {
  const allow = { allowSymlinks: true };

  it('admits relative targets that stay inside, including ".." back into the tree', () => {
    expect(
      run(
        [
          { path: 'docs/guide.md' },
          { path: 'docs/link', type: 'symlink', linkTarget: 'guide.md' },
          { path: 'up', type: 'symlink', linkTarget: 'docs/../docs/guide.md' },
          { path: 'docs/root', type: 'symlink', linkTarget: '..' },
          { path: 'a/b/c', type: 'symlink', linkTarget: '../../docs' },
        ],
        allow,
      ),
    ).toHaveLength(5);
  });

  it.each([['/etc/passwd'], ['..'], ['../sibling'], ['a/../../x'], ['C:/x'], [''], ['back\\slash']])(
    'refuses target %j as symlink-escape',
    (target) => {
      expect(refusal([{ path: 'l', type: 'symlink', linkTarget: target }], allow)).toMatchObject({
        rule: 'symlink-escape',
        entry: 'l',
      });
    },
  );

  it('refuses a target that resolves through another symlink (checked once the tree is complete)', () => {
    // `l -> .` is the plugin root; `x -> l/..` looks inside lexically but is the plugin's parent physically.
    expect(
      refusal(
        [
          { path: 'x', type: 'symlink', linkTarget: 'l/..' },
          { path: 'l', type: 'symlink', linkTarget: '.' },
        ],
        allow,
      ),
    ).toMatchObject({ rule: 'symlink-chain', entry: 'x' });
  });

  it('admits a chain whose last step is a symlink (each hop is checked on its own)', () => {
    expect(
      run(
        [
          { path: 'a', type: 'symlink', linkTarget: 'b' },
          { path: 'b', type: 'symlink', linkTarget: 'c.txt' },
          { path: 'c.txt' },
        ],
        allow,
      ),
    ).toHaveLength(3);
  });
});

describe('archive policy: limits', () => {
  it('defaults to the platform cap of 100 MiB of file data and refuses a file that would pass it', () => {
    const policy = createArchivePolicy();
    policy.admit(input({ path: 'a.bin', size: DEFAULT_MAX_PLUGIN_BYTES - 10 }));
    expect(() => policy.admit(input({ path: 'b.bin', size: 11 }))).toThrow(
      expect.objectContaining({ rule: 'max-bytes', entry: 'b.bin' }),
    );
    expect(policy.bytes).toBe(DEFAULT_MAX_PLUGIN_BYTES - 10);
  });

  it('refuses the entry after maxEntries, naming the limit', () => {
    const entries = Array.from({ length: 4 }, (_, i) => ({ path: `f${i}` }));
    const error = refusal(entries, { maxEntries: 3 });
    expect(error).toMatchObject({ rule: 'max-entries', entry: 'f3' });
    expect(error.message).toContain('3');
  });

  it('counts directories and the root entry as entries; default cap is 10,000', () => {
    const policy = createArchivePolicy();
    for (let i = 0; i < 10_000; i++) policy.admit(input({ path: `d${i}`, type: 'directory' }));
    expect(() => policy.admit(input({ path: './', type: 'directory' }))).toThrow(
      expect.objectContaining({ rule: 'max-entries' }),
    );
  });
});
