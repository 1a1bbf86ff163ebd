/**
 * JSON the way the Go server writes it.
 *
 * - `gin.H` and `map[string]any` come out with keys sorted (Go sorts map keys bytewise).
 * - `encoding/json` escapes `<`, `>`, `&`, U+2028 and U+2029 (HTML-safe output), so a reply
 *   containing `<b>` reads `\u003cb\u003e` on the wire.
 * - Values stored in Postgres `jsonb` (request_body, response_body, agent_card) come back with
 *   jsonb's key order: shorter keys first, then bytewise.
 */

/** Pre-encoded JSON inserted verbatim (Go's `json.RawMessage`). */
export class RawJson {
  /** @param text already-valid JSON text */
  constructor(readonly text: string) {}
}

const encoder = new TextEncoder();

/** Bytewise (UTF-8) string comparison, as Go's `sort.Strings` does. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const ea = encoder.encode(a);
  const eb = encoder.encode(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) if (ea[i] !== eb[i]) return ea[i]! - eb[i]!;
  return ea.length - eb.length;
}

/** jsonb key order: by UTF-8 length, then bytewise. */
function compareJsonbKeys(a: string, b: string): number {
  const la = encoder.encode(a).length;
  const lb = encoder.encode(b).length;
  return la !== lb ? la - lb : compareBytes(a, b);
}

/** Escapes what Go's HTML-safe encoder escapes. Only ever applied to JSON text. */
export function goEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function encodeValue(value: unknown, order: (a: string, b: string) => number, sort: boolean): string {
  if (value instanceof RawJson) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map((v) => encodeValue(v, order, sort)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (sort) entries.sort(([a], [b]) => order(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${encodeValue(v, order, sort)}`).join(',')}}`;
  }
  return 'null';
}

/**
 * Encodes like Go's `json.Marshal` of maps: sorted keys, HTML escaping, no trailing newline.
 * `undefined` members are omitted (they stand for "not present in the map").
 */
export function goJson(value: unknown): string {
  return goEscape(encodeValue(value, compareBytes, true));
}

/** The text Postgres `jsonb` would give back for this value (key order by length, then bytes). */
export function jsonbText(value: unknown): string {
  return encodeValue(value, compareJsonbKeys, true);
}
