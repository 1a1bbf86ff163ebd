import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readPluginYamlSha256 } from '../../src/plugins/plugin-yaml-sha256.js';

const HASH = 'a'.repeat(64);

/** What PyYAML's safe_load makes of `data.get("sha256")`, for the cases both should read. */
function pyyaml(text: string): unknown {
  const script =
    'import json,sys,yaml\nd=yaml.safe_load(sys.stdin.read())\nprint(json.dumps(d.get("sha256") if isinstance(d, dict) else None))';
  try {
    return JSON.parse(
      execFileSync('python3', ['-c', script], { input: text, stdio: ['pipe', 'pipe', 'ignore'] }).toString(),
    );
  } catch {
    return 'pyyaml unavailable';
  }
}

describe('readPluginYamlSha256', () => {
  it.each([
    [`sha256: ${HASH}\n`],
    [`name: demo\nversion: 1.0.0\nsha256: ${HASH}\n`],
    [`sha256: "${HASH}"\n`],
    [`sha256: '${HASH}'\n`],
    [`"sha256": ${HASH}\n`],
    [`sha256:   ${HASH}   # pinned by CI\n`],
    [`sha256 : ${HASH}\n`],
    [`---\nname: x\nsha256: ${HASH}\n...\n`],
    [`\uFEFFname: x\r\nsha256: ${HASH}\r\n`],
    [`# comment sha256: nope\nname: x\nsha256: ${HASH}\n`],
    [`description: |\n  sha256: fake\nsha256: ${HASH}\n`],
    [`  name: x\n  sha256: ${HASH}\n`],
  ])('reads the value of %j', (text) => {
    expect(readPluginYamlSha256(text)).toEqual({ kind: 'present', value: HASH });
    const python = pyyaml(text);
    if (python !== 'pyyaml unavailable') expect(python).toBe(HASH);
  });

  it.each([
    ['name: x\n'],
    ['sha256:\n'],
    ['sha256: ~\n'],
    ['sha256: null\n'],
    ["sha256: ''\n"],
    ['sha256: ""\n'],
    ['sha256: # nothing yet\n'],
    [`meta:\n  sha256: ${HASH}\n`],
    [`# sha256: ${HASH}\nname: x\n`],
    [`description: "mentions sha256 in a value"\n`],
  ])('finds no hash in %j', (text) => {
    expect(readPluginYamlSha256(text)).toEqual({ kind: 'absent' });
  });

  it('keeps a malformed value as it is (the installer refuses it as not hex)', () => {
    expect(readPluginYamlSha256('sha256: ABCDEF\n')).toEqual({ kind: 'present', value: 'ABCDEF' });
    expect(readPluginYamlSha256("sha256: 'it''s'\n")).toEqual({ kind: 'present', value: "it's" });
  });

  it.each([
    [`{name: x, sha256: ${HASH}}\n`, 'flow mapping at the root'],
    [`- sha256: ${HASH}\n`, 'a list at the root'],
    [`sha256: |\n  ${HASH}\n`, 'block scalar'],
    [`sha256: >-\n  ${HASH}\n`, 'folded scalar'],
    [`sha256: &anchor ${HASH}\n`, 'anchor'],
    [`sha256: !!str ${HASH}\n`, 'tag'],
    [`sha256:\n  ${HASH}\n`, 'value on the next line'],
    [`sha256: ${HASH.slice(0, 32)}\n  ${HASH.slice(32)}\n`, 'multi-line plain scalar'],
    [`sha256: ${HASH}\nsha256: ${'b'.repeat(64)}\n`, 'key given twice'],
    [`sha256: "${HASH}\n`, 'unterminated quote'],
    [`sha256: "\\x61${HASH.slice(1)}"\n`, 'escape sequences'],
    [`name: x\n---\nsha256: ${HASH}\n`, 'two documents'],
    [`--- {sha256: ${HASH}}\n`, 'content on the document start line'],
    [`sha256: a: b\n`, 'not valid YAML'],
  ])('refuses to guess at %j (%s)', (text) => {
    expect(readPluginYamlSha256(text).kind).toBe('unsupported');
  });
});
