export { makeIdempotencyKey } from './idempotency-key.js';
export { isSensitiveKey, REDACTED, redact, redactText } from './redact.js';
