/** True for a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The text of A2A parts, joined with newlines. A part counts as text when its `kind` (A2A v0.3)
 * or `type` (the platform's `/delegate` and the MCP bridge) is `"text"` and it has a string `text`.
 */
export function textOfParts(parts: readonly unknown[]): string {
  const texts: string[] = [];
  for (const part of parts) {
    if (!isRecord(part)) continue;
    const kind = part.kind ?? part.type;
    if (kind === 'text' && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('\n');
}

/** A string field, or `null` when absent, empty or not a string. */
export function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
