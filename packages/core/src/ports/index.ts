/**
 * `@molecule-ai/agent-core/ports`: the small async interfaces through which a host provides what
 * the core may not touch (token and cursor storage, a plugin file sink, child processes, time,
 * randomness, logging), and the defaults that need no host.
 */

export { createFetchTransport } from '../http/fetch-transport.js';
export { type Clock, MAX_TIMER_DELAY_MS, type Random, systemClock, systemRandom } from './clock.js';
export type { CursorState, CursorStore } from './cursor-store.js';
export type {
  HttpTransport,
  ResponseHeaders,
  TransportRequest,
  TransportResponse,
} from './http-transport.js';
export { createLineLogger, type LineLoggerOptions } from './line-logger.js';
export { LOG_THRESHOLDS, type LogThreshold, parseLogThreshold } from './log-level.js';
export { type Logger, type LogLevel, silentLogger } from './logger.js';
export type { PluginSink, StagedFile, StagedFileWriter, StagingArea } from './plugin-sink.js';
export type { ProcessRunner, RunOptions, RunResult } from './process-runner.js';
export type { TokenStore } from './token-store.js';
