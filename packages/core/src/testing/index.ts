export { assert, ContractAssertionError, type TestApi } from './harness.js';
