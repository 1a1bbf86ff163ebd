/**
 * Masks credentials before anything reaches a log line or an error: header values of
 * `authorization`, `cookie`, `set-cookie`, `x-api-key` (and `proxy-authorization`), every value
 * whose key mentions a token, secret, password, auth, credential, bearer, api key or cookie, bearer
 * credentials and URL userinfo inside text. Known secret values are scrubbed by `SecretScrubber`.
 */

/** What a masked value is replaced with. */
export const REDACTED = '[REDACTED]';

const SENSITIVE_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
]);
/** Keys that name a credential: token, secret, password, auth (not author/authority), credential, bearer, api key, cookie. */
const SENSITIVE_KEY = /token|secret|passw(?:or)?d|auth(?!or)|credential|bearer|api[-_]?key|cookie/i;
const BEARER = /\b(Bearer|Basic|Token)(\s+)[^\s"',;]+/gi;
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi;
const MAX_DEPTH = 8;

/** True when a header name or object key holds a credential. */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_HEADERS.has(key.toLowerCase()) || SENSITIVE_KEY.test(key);
}

/** Masks bearer-style credentials and `user:pass@` in URLs inside free text. */
export function redactText(text: string): string {
  return text.replace(BEARER, `$1$2${REDACTED}`).replace(USERINFO, `$1${REDACTED}@`);
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (typeof Headers !== 'undefined' && value instanceof Headers) {
      const out: Record<string, string> = {};
      value.forEach((v, k) => {
        out[k] = isSensitiveKey(k) ? REDACTED : redactText(v);
      });
      return out;
    }
    if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
    if (value instanceof Error) {
      return { name: value.name, message: redactText(value.message) };
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      let item: unknown;
      try {
        item = (value as Record<string, unknown>)[key];
      } catch {
        item = '[Unreadable]';
      }
      out[key] = isSensitiveKey(key) ? REDACTED : redactValue(item, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * Returns a copy of `value` that is safe to log: sensitive keys masked at any depth, credentials
 * in strings masked, `Headers` turned into a plain object, cycles and deep nesting cut off.
 * Never throws and never mutates its input.
 */
export function redact<T>(value: T): T {
  return redactValue(value, 0, new WeakSet()) as T;
}
