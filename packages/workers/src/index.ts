export { createKvCursorStore, DEFAULT_CURSOR_PREFIX } from './stores/kv-cursor-store.js';
export type { KvNamespaceLike, KvStoreOptions } from './stores/kv-namespace.js';
export { createKvTokenStore, DEFAULT_TOKEN_PREFIX } from './stores/kv-token-store.js';
export { createTickCursorBuffer, type TickCursorBuffer } from './stores/tick-cursor-buffer.js';
