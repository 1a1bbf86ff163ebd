import { parsePeerUrl } from '../http/url.js';

/** Peer id → direct URL, each entry valid until its expiry. Only callable http(s) URLs get in. */
export class PeerCache {
  readonly #entries = new Map<string, { url: string; expiresAt: number }>();
  readonly #ttlMs: number;

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  /** The cached URL, or `undefined`; an expired entry is dropped. */
  get(id: string, nowMs: number): string | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (nowMs < entry.expiresAt) return entry.url;
    this.#entries.delete(id);
    return undefined;
  }

  /** Caches `url` when it is an http(s) URL without credentials; returns whether it did. */
  set(id: string, url: unknown, nowMs: number): boolean {
    const parsed = parsePeerUrl(url);
    if (!parsed || this.#ttlMs <= 0) return false;
    this.#entries.set(id, { url: parsed.href, expiresAt: nowMs + this.#ttlMs });
    return true;
  }

  delete(id: string): void {
    this.#entries.delete(id);
  }

  has(id: string, nowMs: number): boolean {
    return this.get(id, nowMs) !== undefined;
  }
}
