export { testCursorStore } from './cursor-store-contract.js';
export { assert, ContractAssertionError, type TestApi } from './harness.js';
export { createMemoryCursorStore } from './memory-cursor-store.js';
export { createMemoryTokenStore, type MemoryTokenStore } from './memory-token-store.js';
export { type StoreContractOptions, testTokenStore } from './token-store-contract.js';
