import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  computePluginManifestHash,
  EMPTY_PLUGIN_MANIFEST_HASH,
  isSha256Hex,
  verifyPluginManifestHash,
} from '../../src/plugins/manifest-hash.js';
import { compareCodePoints, pythonJsonDumps, pythonJsonString } from '../../src/plugins/python-json.js';
import {
  createSha256,
  SUBTLE_DIGEST_MAX_BYTES,
  sha256Hex,
  sha256OfStream,
} from '../../src/plugins/sha256.js';
import { streamOfBytes } from '../../src/testing/test-archives.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** What Python itself computes (`compute_plugin_sha256`'s algorithm) for the same path → content map. */
function pythonManifestHash(files: Record<string, string>): string {
  const script = `
import hashlib, json, sys
files = json.loads(sys.stdin.read())
pairs = [[p, hashlib.sha256(c.encode("utf-8")).hexdigest()] for p, c in sorted(files.items()) if p != "plugin.yaml"]
print(hashlib.sha256(json.dumps(pairs, sort_keys=True).encode("utf-8")).hexdigest())
`;
  return execFileSync('python3', ['-c', script], { input: JSON.stringify(files) })
    .toString()
    .trim();
}

describe('computePluginManifestHash (the Python SDK hash, so a plugin.yaml sha256 verifies in both)', () => {
  it('hashes an empty plugin to sha256("[]")', async () => {
    expect(await computePluginManifestHash([])).toBe(EMPTY_PLUGIN_MANIFEST_HASH);
    expect(await computePluginManifestHash([{ path: 'plugin.yaml', bytes: text('name: x\n') }])).toBe(
      EMPTY_PLUGIN_MANIFEST_HASH,
    );
  });

  it('matches the reference vector for rules.md + setup.sh', async () => {
    const hash = await computePluginManifestHash([
      { path: 'setup.sh', bytes: text('#!/bin/bash\n') },
      { path: 'rules.md', bytes: text('# Rules\n') },
    ]);
    expect(hash).toBe('38bd93611b8f1f2b3abb8cba218adffa0a078d8a65c76ea4cd087e150babf10d');
  });

  it('excludes plugin.yaml at the root only', async () => {
    const base = [{ path: 'rules.md', bytes: text('# Rules\n') }];
    const withRootYaml = [...base, { path: 'plugin.yaml', bytes: text('sha256: x') }];
    const withNestedYaml = [...base, { path: 'sub/plugin.yaml', bytes: text('nested') }];
    expect(await computePluginManifestHash(withRootYaml)).toBe(await computePluginManifestHash(base));
    expect(await computePluginManifestHash(withNestedYaml)).not.toBe(await computePluginManifestHash(base));
  });

  it('accepts precomputed digests and gives the same hash as bytes', async () => {
    const bytes = text('content');
    expect(await computePluginManifestHash([{ path: 'a', sha256: await sha256Hex(bytes) }])).toBe(
      await computePluginManifestHash([{ path: 'a', bytes }]),
    );
    await expect(computePluginManifestHash([{ path: 'a', sha256: 'ABC' }])).rejects.toBeInstanceOf(
      ConfigError,
    );
  });

  it('is independent of input order; adding a file changes it', async () => {
    const files = [
      { path: 'a/b/c/deep.txt', bytes: text('deep') },
      { path: 'z.txt', bytes: text('z') },
      { path: 'm.md', bytes: text('m') },
    ];
    const forward = await computePluginManifestHash(files);
    expect(await computePluginManifestHash([...files].reverse())).toBe(forward);
    expect(await computePluginManifestHash([...files, { path: 'new.txt', bytes: text('n') }])).not.toBe(
      forward,
    );
  });

  it('refuses duplicate paths', async () => {
    await expect(
      computePluginManifestHash([
        { path: 'a', bytes: text('1') },
        { path: 'a', bytes: text('2') },
      ]),
    ).rejects.toBeInstanceOf(ConfigError);
  });

  it('agrees with Python on escaping and code-point order: quotes, backslashes, controls, DEL, non-ASCII, astral, U+E000+', async () => {
    const files: Record<string, string> = {
      'plain.txt': 'p',
      'quote".txt': 'q',
      'back\\slash': 'b',
      'tab\there': 't',
      'nl\nname': 'n',
      'del\u007f': 'd',
      'ü-umlaut': 'u',
      '日本語/文件.txt': 'zh',
      'emoji-😀.txt': 'e',
      'private-\ue000.txt': 'pua',
      'fffd-\ufffd.txt': 'r',
      'slash/in/path': 's',
      '\u0001ctrl': 'c',
      'plugin.yaml': 'excluded',
    };
    const ours = await computePluginManifestHash(
      Object.entries(files).map(([path, content]) => ({ path, bytes: text(content) })),
    );
    expect(ours).toBe(pythonManifestHash(files));
  });

  it('agrees with Python on 50 files in 5 directories', async () => {
    const files: Record<string, string> = {};
    for (let d = 0; d < 5; d++)
      for (let f = 0; f < 10; f++) files[`dir${d}/file${f}.txt`] = `content ${d} ${f}\n`;
    const ours = await computePluginManifestHash(
      Object.entries(files).map(([path, content]) => ({ path, bytes: text(content) })),
    );
    expect(ours).toBe(pythonManifestHash(files));
  });
});

describe('verifyPluginManifestHash', () => {
  const files = [{ path: 'rules.md', bytes: text('# Rules\n') }];

  it('is true on a match and false on a mismatch', async () => {
    const hash = await computePluginManifestHash(files);
    expect(await verifyPluginManifestHash(files, hash)).toBe(true);
    expect(await verifyPluginManifestHash(files, '0'.repeat(64))).toBe(false);
    expect(await verifyPluginManifestHash([{ path: 'rules.md', bytes: text('# Tampered\n') }], hash)).toBe(
      false,
    );
  });

  it.each([
    ['short', 'abc'],
    ['non-hex', 'g'.repeat(64)],
    ['empty', ''],
    ['number', 12345],
    ['65 chars', 'a'.repeat(65)],
  ])('refuses a %s expected value with ConfigError "64-character lowercase hex"', async (_label, value) => {
    await expect(verifyPluginManifestHash(files, value as string)).rejects.toThrow(
      /64-character lowercase hex/,
    );
  });

  it.each([
    ['uppercase', 'A'.repeat(64)],
    ['mixed case', `${'a'.repeat(32)}${'B'.repeat(32)}`],
    ['0x prefix', `0x${'a'.repeat(62)}`],
    ['surrounding whitespace', ` ${'a'.repeat(62)} `],
  ])(
    'refuses %s with ConfigError (fixed: Python admits it through int(x, 16) and then just returns False)',
    async (_label, value) => {
      await expect(verifyPluginManifestHash(files, value)).rejects.toBeInstanceOf(ConfigError);
    },
  );

  it('isSha256Hex accepts exactly 64 lowercase hex characters', () => {
    expect(isSha256Hex('a'.repeat(64))).toBe(true);
    expect(isSha256Hex('A'.repeat(64))).toBe(false);
    expect(isSha256Hex(undefined)).toBe(false);
  });
});

describe('pythonJsonString / pythonJsonDumps', () => {
  it('matches json.dumps for awkward strings', () => {
    const samples = [
      '',
      'a"b',
      'a\\b',
      '\n\r\t\b\f',
      '\u0000\u001f',
      '\u007f',
      'é',
      '€',
      '😀',
      '\ue000',
      '/',
      "'",
    ];
    const python = JSON.parse(
      execFileSync(
        'python3',
        ['-c', 'import json,sys; print(json.dumps([json.dumps(s) for s in json.loads(sys.stdin.read())]))'],
        {
          input: JSON.stringify(samples),
        },
      ).toString(),
    ) as string[];
    expect(samples.map(pythonJsonString)).toEqual(python);
    expect(pythonJsonString('😀')).toBe('"\\ud83d\\ude00"');
    expect(pythonJsonString('\u007f')).toBe('"\\u007f"');
  });

  it('joins lists with ", " like Python', () => {
    expect(pythonJsonDumps([])).toBe('[]');
    expect(
      pythonJsonDumps([
        ['a', 'b'],
        ['c', 'd'],
      ]),
    ).toBe('[["a", "b"], ["c", "d"]]');
  });

  it('compareCodePoints orders like Python (astral after U+E000-U+FFFF)', () => {
    const words = ['\ue000', '😀', 'z', '\uffff', 'a', 'ab', ''];
    expect([...words].sort(compareCodePoints)).toEqual(['', 'a', 'ab', 'z', '\ue000', '\uffff', '😀']);
    expect([...words].sort()).not.toEqual([...words].sort(compareCodePoints));
  });
});

describe('sha256', () => {
  it('incremental hasher equals node:crypto for many lengths and split points', () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 4096, 100_003]) {
      const data = randomBytes(length);
      const hasher = createSha256();
      let offset = 0;
      let step = 1;
      while (offset < length) {
        hasher.update(data.subarray(offset, offset + step));
        offset += step;
        step = (step * 3 + 1) % 97 || 1;
      }
      expect(hasher.digestHex(), `length ${length}`).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('sha256Hex hashes views over larger buffers correctly', async () => {
    const buffer = randomBytes(1000);
    const view = new Uint8Array(buffer.buffer, buffer.byteOffset + 10, 100);
    expect(await sha256Hex(view)).toBe(createHash('sha256').update(view).digest('hex'));
    expect(await sha256Hex(text('hello world'))).toBe(
      'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
    );
  });

  it('sha256OfStream: small files through crypto.subtle, large ones incrementally, same digest', async () => {
    const small = randomBytes(70_000);
    expect(await sha256OfStream(streamOfBytes(small, 4096), small.length)).toBe(
      createHash('sha256').update(small).digest('hex'),
    );
    const large = randomBytes(SUBTLE_DIGEST_MAX_BYTES + 12345);
    expect(await sha256OfStream(streamOfBytes(large, 65536), large.length)).toBe(
      createHash('sha256').update(large).digest('hex'),
    );
    // A file that grew after it was listed as small.
    expect(await sha256OfStream(streamOfBytes(large, 65536), 10)).toBe(
      createHash('sha256').update(large).digest('hex'),
    );
  });
});
