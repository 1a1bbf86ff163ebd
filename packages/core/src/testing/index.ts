/**
 * `@molecule-ai/agent-core/testing`: helpers for tests of agents and of ports. In-memory ports,
 * the port contract suites (run against any implementation under vitest, `bun test` or workerd),
 * test archives, a fake clock and a recording logger.
 */

export { testCursorStore } from './cursor-store-contract.js';
export { createFakeClock, type FakeClock, type FakeClockOptions } from './fake-clock.js';
export { assert, type ContractAssert, ContractAssertionError, type TestApi } from './harness.js';
export {
  type HttpTransportContractSubject,
  type ServedHandler,
  testHttpTransport,
} from './http-transport-contract.js';
export { LINKED_PLUGIN, LINKED_PLUGIN_PYTHON_SHA256 } from './linked-plugin.js';
export { createMemoryCursorStore } from './memory-cursor-store.js';
export { createMemoryPluginSink, type MemoryPluginSink, type MemoryTreeNode } from './memory-plugin-sink.js';
export { createMemoryTokenStore, type MemoryTokenStore } from './memory-token-store.js';
export { messageSendRequest } from './message-send-request.js';
export { type PluginSinkContractSubject, testPluginSink } from './plugin-sink-contract.js';
export { type ProcessRunnerContractSubject, testProcessRunner } from './process-runner-contract.js';
export { type PushServerContractSubject, testPushServer } from './push-server-contract.js';
export {
  createRecordingLogger,
  exposeAll,
  type LogLine,
  type RecordingLogger,
} from './recording-logger.js';
export type { StoreContractOptions } from './store-contract.js';
export {
  buildTestTar,
  concatBytes,
  gzipBytes,
  paxRecords,
  readAllBytes,
  streamOfBytes,
  type TestTarEntry,
  testTarHeader,
} from './test-archives.js';
export { testTokenStore } from './token-store-contract.js';
