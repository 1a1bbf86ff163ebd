export { apiErrorFromResponse, type FailedResponse } from '../http/api-error.js';
export { parseRetryAfter, parseRetryAfterValue } from '../http/retry-after.js';
export {
  type AttemptOutcome,
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  NO_RETRY_POLICY,
  type RetryInput,
  type RetryOption,
  type RetryPolicy,
  resolveRetryPolicy,
  retryDelay,
  WIDE_RETRY_POLICY,
} from '../http/retry-policy.js';
// The client's public names are the package's main entry; this barrel (for the package's own
// tests) adds the internals around them.
export * from '../index.js';
export * from '../schemas/index.js';
export * from '../util/index.js';
export {
  DEFAULT_PEER_CACHE_TTL_MS,
  DEFAULT_TIMEOUTS,
  PLACEHOLDER_REPORTED_URL,
} from './options.js';
export {
  explainRegisterRefusal,
  LIBRARY_REFUSAL_WORDING,
  type RegisterRefusalWording,
} from './register-refusal.js';
export { checkWorkspaceId } from './workspace-id.js';
