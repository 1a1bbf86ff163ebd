import { REDACTED, redact } from './redact.js';

/**
 * Secrets shorter than this are not scrubbed by value: replacing a short common string everywhere
 * would garble messages, and no credential the platform issues is that short.
 */
export const MIN_SCRUBBED_SECRET_LENGTH = 8;

/** A start of a secret this long is scrubbed like the whole (see {@link SecretScrubber.text}). */
export const MIN_SCRUBBED_PREFIX_LENGTH = 12;

const MAX_DEPTH = 8;

function base64(text: string): string | undefined {
  try {
    return btoa(text);
  } catch {
    return undefined; // not Latin-1: a token never is, and then it has no base64 form worth hunting
  }
}

/** The forms a server may echo a secret in: as is, URL-encoded (either case of hex), JSON-escaped, base64. */
function encodingsOf(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const uri = encodeURIComponent(secret);
  forms.add(uri);
  forms.add(uri.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
  forms.add(new URLSearchParams({ v: secret }).toString().slice(2));
  forms.add(JSON.stringify(secret).slice(1, -1));
  const b64 = base64(secret);
  if (b64 !== undefined) {
    forms.add(b64);
    forms.add(b64.replace(/=+$/, ''));
    forms.add(b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  }
  // Longest first, so that a form containing another is replaced whole.
  return [...forms]
    .filter((form) => form.length >= MIN_SCRUBBED_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

/**
 * Removes known secret VALUES (the tokens a client holds, a peer's capability path) from text,
 * values, errors and log lines, plain and in the encodings a server might echo them in. The
 * pattern-based {@link redact} catches credentials by shape; this catches them by value, even in a
 * field called `got` or a sentence without `Bearer`.
 */
export class SecretScrubber {
  readonly #forms: string[] = [];
  readonly #secrets = new Set<string>();

  /** Remembers a secret (ignored when shorter than {@link MIN_SCRUBBED_SECRET_LENGTH}). */
  add(secret: string | undefined | null): void {
    if (typeof secret !== 'string') return;
    const value = secret.trim();
    if (value.length < MIN_SCRUBBED_SECRET_LENGTH || this.#secrets.has(value)) return;
    this.#secrets.add(value);
    for (const form of encodingsOf(value)) if (!this.#forms.includes(form)) this.#forms.push(form);
    this.#forms.sort((a, b) => b.length - a.length);
  }

  /** True when no secret is known (nothing to do). */
  get empty(): boolean {
    return this.#forms.length === 0;
  }

  /**
   * `text` with every known secret (in every form) replaced by `[REDACTED]`, and so is a cut-off
   * start of one (at least {@link MIN_SCRUBBED_PREFIX_LENGTH} characters): messages quote values
   * cut to a length (`"mol_ws_abc…"`), and the first 40 characters of a token are nearly all of it.
   */
  text(text: string): string {
    let out = text;
    // Whole forms first (longest first), so that a form sharing a start with another is not cut.
    for (const form of this.#forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    for (const form of this.#forms) {
      const head = form.slice(0, Math.min(form.length, MIN_SCRUBBED_PREFIX_LENGTH));
      let at = out.indexOf(head);
      while (at >= 0) {
        let length = head.length;
        while (length < form.length && out[at + length] === form[length]) length += 1;
        out = out.slice(0, at) + REDACTED + out.slice(at + length);
        at = out.indexOf(head, at + REDACTED.length);
      }
    }
    return out;
  }

  /** A copy of `value` safe to log: {@link redact}'s patterns and masked keys, then secrets by value. */
  value<T>(value: T): T {
    return this.#scrub(redact(value), 0) as T;
  }

  #scrub(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
    if (Array.isArray(value)) return value.map((item) => this.#scrub(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[this.text(key)] = this.#scrub(item, depth + 1);
    return out;
  }

  /**
   * Scrubs an error in place, and its causes: message, stack and every own field (so `toJSON()`,
   * `String(error)` and a printed stack are clean). Returns the same error, for `throw`.
   */
  error<E>(error: E): E {
    if (this.empty) return error;
    const seen = new Set<unknown>();
    let current: unknown = error;
    for (let depth = 0; current instanceof Error && depth < MAX_DEPTH && !seen.has(current); depth++) {
      seen.add(current);
      const target = current as Error & Record<string, unknown>;
      try {
        target.message = this.text(target.message);
        if (typeof target.stack === 'string') target.stack = this.text(target.stack);
        for (const key of Object.keys(target)) {
          const item = target[key];
          if (item instanceof Error) continue; // walked as a cause below
          Object.defineProperty(target, key, {
            value: typeof item === 'string' ? this.text(item) : this.#scrub(item, 0),
            writable: true,
            enumerable: true,
            configurable: true,
          });
        }
        if (!(target.cause instanceof Error) && target.cause !== undefined) {
          target.cause = this.#scrub(target.cause, 0);
        }
      } catch {
        // a frozen or exotic error: leave it; the SDK's own errors are plain objects
      }
      current = target.cause;
    }
    return error;
  }
}
