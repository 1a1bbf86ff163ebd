import { ConfigError } from '../errors.js';
import type { TokenStore } from '../ports/token-store.js';
import type { SecretScrubber } from '../util/secret-scrubber.js';

/** A bearer token is one line of visible ASCII; anything else would corrupt the header. */
const TOKEN_SHAPE = /^[\x21-\x7e]+$/;

function checkToken(token: string, origin: string): string {
  const trimmed = token.trim();
  if (!TOKEN_SHAPE.test(trimmed)) {
    throw new ConfigError(`the token from ${origin} is empty or contains whitespace or control characters`);
  }
  return trimmed;
}

/**
 * The client's view of its token: the explicit `token` option first, else the store's, kept in
 * memory once loaded. A missing token is looked up again on the next call (another process may
 * have saved one).
 */
export class TokenCache {
  #token: string | undefined;
  readonly #store: TokenStore;
  readonly #workspaceId: string;

  readonly #secrets: SecretScrubber | undefined;

  /** `secrets` learns every token this cache holds, so errors and logs can be scrubbed of it. */
  constructor(store: TokenStore, workspaceId: string, explicit?: string, secrets?: SecretScrubber) {
    this.#store = store;
    this.#workspaceId = workspaceId;
    this.#secrets = secrets;
    if (explicit !== undefined && explicit.trim() !== '') {
      secrets?.add(explicit);
      this.#token = checkToken(explicit, 'the token option');
    }
  }

  /** The token already in memory, without touching the store. */
  cached(): string | undefined {
    return this.#token;
  }

  /** The token, or `undefined` when none is known. */
  async get(): Promise<string | undefined> {
    if (this.#token !== undefined) return this.#token;
    const loaded = await this.#store.load(this.#workspaceId);
    if (loaded === null || loaded.trim() === '') return undefined;
    this.#secrets?.add(loaded);
    this.#token = checkToken(loaded, `the ${this.#store.name} token store`);
    return this.#token;
  }

  /** Saves a token the platform just issued, to the store and to memory. */
  async set(token: string): Promise<void> {
    this.#secrets?.add(token);
    const checked = checkToken(token, 'the platform');
    await this.#store.save(this.#workspaceId, checked);
    this.#token = checked;
  }

  /** Where the store keeps the token, for messages. */
  describeStore(): string {
    return this.#store.describe?.(this.#workspaceId) ?? `the ${this.#store.name} token store`;
  }

  /** Never the token. */
  toJSON(): Record<string, unknown> {
    return { store: this.#store.name, cached: this.#token !== undefined };
  }
}
