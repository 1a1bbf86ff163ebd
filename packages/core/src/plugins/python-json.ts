/**
 * The exact text Python's `json.dumps` produces (default `ensure_ascii=True`, default separators
 * `", "` and `": "`) for the values the plugin manifest uses: strings and nested lists of strings.
 * `JSON.stringify` differs (raw non-ASCII, no DEL escape, no spaces), so the manifest hash needs this.
 */

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  34: '\\"',
  92: '\\\\',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  8: '\\b',
  12: '\\f',
};

/**
 * A string as Python's `json.dumps(s)` writes it: `"` and `\` escaped, `\n \r \t \b \f` in short
 * form, every other code unit outside 0x20–0x7E as `\uXXXX` with lowercase hex. Astral characters
 * come out as their UTF-16 surrogate pair, exactly like Python.
 */
export function pythonJsonString(value: string): string {
  let out = '"';
  let plainStart = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0x20 && unit <= 0x7e && unit !== 0x22 && unit !== 0x5c) continue;
    out += value.slice(plainStart, i);
    out += SHORT_ESCAPES[unit] ?? `\\u${unit.toString(16).padStart(4, '0')}`;
    plainStart = i + 1;
  }
  return out + value.slice(plainStart) + '"';
}

/** A JSON value of the shapes the manifest needs. */
export type PythonJsonValue = string | readonly PythonJsonValue[];

/** A string or nested list of strings as Python's `json.dumps` writes it (lists joined by `", "`). */
export function pythonJsonDumps(value: PythonJsonValue): string {
  if (typeof value === 'string') return pythonJsonString(value);
  return `[${value.map(pythonJsonDumps).join(', ')}]`;
}

/**
 * Orders two strings by Unicode code point, like Python's `str` comparison. JavaScript's default
 * sort compares UTF-16 code units, which puts astral characters (surrogates, U+D800–U+DFFF) before
 * U+E000–U+FFFF; Python puts them after.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only when both are in U+D800–U+FFFF can code-unit order disagree with code-point order.
    if (x >= 0xd800 && y >= 0xd800) {
      const xSurrogate = x <= 0xdfff;
      const ySurrogate = y <= 0xdfff;
      if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    }
    return x - y;
  }
  return a.length - b.length;
}
