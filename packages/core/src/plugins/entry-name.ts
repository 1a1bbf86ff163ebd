/**
 * Characters that must not reach a terminal or a log viewer raw from an archive entry name: C0 and
 * C1 controls and DEL (escape sequences), bidirectional controls and marks (a name that displays as
 * another one), line and paragraph separators, and lone surrogates.
 */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * An entry name safe to print: every unsafe character written as `\uXXXX` (and a backslash as
 * `\\`), everything else as it is. Pure ASCII names without backslashes come back unchanged.
 */
export function escapeEntryName(name: string): string {
  return name
    .replace(/\\/g, '\\\\')
    .replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** {@link escapeEntryName} in double quotes (a quote inside escaped too), for messages. */
export function quoteEntryName(name: string): string {
  return `"${escapeEntryName(name).replace(/"/g, '\\"')}"`;
}
