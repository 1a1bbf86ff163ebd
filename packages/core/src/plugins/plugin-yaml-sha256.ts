/**
 * Reads the one thing the installer needs from `plugin.yaml`: a top-level `sha256:` scalar.
 *
 * This is deliberately not a YAML parser (no dependency, nothing to exploit). It understands a
 * block mapping at the document root with the key written as `sha256`, `"sha256"` or `'sha256'` and
 * a one-line value that is plain, single-quoted or double-quoted (without escapes), optionally
 * followed by a `# comment`. `~`, `null` and an empty value mean "no hash", like the Python SDK's
 * falsy check. Whenever `sha256` appears in a form it cannot read with certainty (flow mappings,
 * block scalars, anchors, tags, multi-line values, several documents, the key twice) the answer is
 * `unsupported`, and the installer fails closed rather than skipping verification.
 *
 * A hash that travels inside the archive it describes only detects corruption, not tampering
 * (whoever rewrites a file can rewrite plugin.yaml). Pin `expectedSha256` for that.
 */
export type PluginYamlSha256 =
  /** No top-level `sha256`, or a null/empty one: nothing to verify. */
  | { kind: 'absent' }
  /** The raw scalar, not yet checked to be hex. */
  | { kind: 'present'; value: string }
  /** `sha256` is there but written in a way this reader does not handle. */
  | { kind: 'unsupported'; reason: string };

const KEY_LINE = /^(sha256|"sha256"|'sha256')[ \t]*:(?:[ \t]+(.*))?$/;
const NULL_VALUES = new Set(['', '~', 'null', 'Null', 'NULL']);

/** Finds the top-level `sha256` of a `plugin.yaml` text. See the module comment for what is understood. */
export function readPluginYamlSha256(text: string): PluginYamlSha256 {
  if (!text.includes('sha256')) return { kind: 'absent' };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);

  let rootIndent: number | null = null;
  let documentEnded = false;
  let found: { value: string; line: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const content = line.trimStart();
    if (content === '' || content.startsWith('#')) continue;
    const indent = line.length - content.length;
    if (indent === 0 && (line === '---' || line.startsWith('--- ') || line.startsWith('%'))) {
      if (rootIndent !== null || documentEnded) return unsupported('more than one YAML document');
      if (line.startsWith('--- ') && line.slice(4).trim() !== '' && !line.slice(4).trim().startsWith('#')) {
        return unsupported('content on the document start line');
      }
      continue;
    }
    if (indent === 0 && (line === '...' || line.startsWith('... '))) {
      documentEnded = true;
      continue;
    }
    if (documentEnded) return unsupported('content after the end of the YAML document');
    if (rootIndent === null) {
      rootIndent = indent;
      if (!isBlockMappingKey(content)) {
        return unsupported('the document root is not a plain block mapping');
      }
    }
    if (indent !== rootIndent) continue;
    const match = KEY_LINE.exec(content.trimEnd());
    if (!match) continue;
    if (found) return unsupported('sha256 is given twice');
    found = { value: match[2] ?? '', line: i };
  }
  if (!found) return { kind: 'absent' };

  // A more-indented line right after the key continues its value (nested block or folded scalar).
  for (let i = found.line + 1; i < lines.length; i++) {
    const line = lines[i]!;
    const content = line.trimStart();
    if (content === '' || content.startsWith('#')) continue;
    if (line.length - content.length > (rootIndent ?? 0)) return unsupported('sha256 spans several lines');
    break;
  }
  return readScalar(found.value.trim());
}

function readScalar(raw: string): PluginYamlSha256 {
  if (raw.startsWith("'")) {
    const close = findSingleQuoteEnd(raw);
    if (close < 0 || !isTrailingComment(raw.slice(close + 1)))
      return unsupported('unterminated quoted sha256');
    const value = raw.slice(1, close).replaceAll("''", "'");
    return value === '' ? { kind: 'absent' } : { kind: 'present', value };
  }
  if (raw.startsWith('"')) {
    const close = raw.indexOf('"', 1);
    if (close < 0 || !isTrailingComment(raw.slice(close + 1)))
      return unsupported('unterminated quoted sha256');
    const value = raw.slice(1, close);
    if (value.includes('\\')) return unsupported('escape sequences in sha256');
    return value === '' ? { kind: 'absent' } : { kind: 'present', value };
  }
  if (/^[[{!&*|>%@`]/.test(raw)) return unsupported('sha256 is not a plain scalar');
  const comment = raw.search(/[ \t]#/);
  const value = (comment < 0 ? raw : raw.slice(0, comment)).trim();
  if (value.startsWith('#')) return { kind: 'absent' };
  if (/:[ \t]|:$/.test(value)) return unsupported('sha256 value is not valid YAML');
  return NULL_VALUES.has(value) ? { kind: 'absent' } : { kind: 'present', value };
}

/** True when a line starts a block mapping entry (`key: value`), not a list, flow collection or tag. */
function isBlockMappingKey(content: string): boolean {
  if (/^("[^"]*"|'[^']*')[ \t]*:([ \t]|$)/.test(content)) return true;
  if (/^([[{!&*|>"'`@%#]|[?:-]([ \t]|$))/.test(content)) return false;
  return /^[^ \t][^#]*?:([ \t]|$)/.test(content);
}

function findSingleQuoteEnd(raw: string): number {
  for (let i = 1; i < raw.length; i++) {
    if (raw[i] !== "'") continue;
    if (raw[i + 1] === "'") {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}

function isTrailingComment(rest: string): boolean {
  const trimmed = rest.trim();
  return trimmed === '' || (trimmed.startsWith('#') && /^[ \t]/.test(rest));
}

function unsupported(reason: string): PluginYamlSha256 {
  return { kind: 'unsupported', reason };
}
