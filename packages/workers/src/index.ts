export * from './core-exports.js';
export { ADOPTED_STOP_REASON } from './durable/adopt-from-kv.js';
export type {
  AgentDurableObjectClass,
  AgentDurableObjectInstance,
} from './durable/agent-object.js';
export {
  type AgentDurableObjectDefinition,
  defineAgentDurableObject,
} from './durable/define-agent-durable-object.js';
export type {
  DurableObjectNamespaceLike,
  DurableObjectStateLike,
  DurableObjectStubLike,
} from './durable/host-types.js';
export type { AgentObjectStatus } from './durable/object-protocol.js';
export type {
  AgentDurableObjectContext,
  AgentDurableObjectOptions,
  AgentDurableObjectPushOptions,
  FromEnvFor,
} from './durable/options.js';
export {
  createDurableObjectCursorStore,
  DEFAULT_DURABLE_CURSOR_PREFIX,
} from './stores/durable-object-cursor-store.js';
export type {
  DurableObjectStorageLike,
  DurableObjectStoreOptions,
} from './stores/durable-object-storage.js';
export {
  createDurableObjectTokenStore,
  DEFAULT_DURABLE_TOKEN_PREFIX,
} from './stores/durable-object-token-store.js';
export { createKvCursorStore, DEFAULT_CURSOR_PREFIX } from './stores/kv-cursor-store.js';
export type { KvNamespaceLike, KvStoreOptions } from './stores/kv-namespace.js';
export {
  createKvStopMarker,
  DEFAULT_STOP_PREFIX,
  type StopMarker,
  type StopRecord,
} from './stores/kv-stop-marker.js';
export { createKvTokenStore, DEFAULT_TOKEN_PREFIX } from './stores/kv-token-store.js';
export { createTickCursorBuffer, type TickCursorBuffer } from './stores/tick-cursor-buffer.js';
export { installPlugin } from './unsupported/install-plugin.js';
export {
  PLUGINS_UNSUPPORTED_MESSAGE,
  PROCESSES_UNSUPPORTED_MESSAGE,
} from './unsupported/unsupported-error.js';
export { unsupportedPluginSink } from './unsupported/unsupported-plugin-sink.js';
export { unsupportedProcessRunner } from './unsupported/unsupported-process-runner.js';
export type { AgentTickReport } from './worker/agent-tick-report.js';
export { type AgentWorker, defineAgentWorker } from './worker/define-agent-worker.js';
export type { ExecutionContextLike, ScheduledControllerLike } from './worker/host-types.js';
export type {
  AgentWorkerContext,
  AgentWorkerOptions,
  AgentWorkerPushOptions,
  FromEnv,
} from './worker/options.js';
export { DEFAULT_KV_PREFIX } from './worker/resolve-config.js';
