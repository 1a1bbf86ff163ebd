// The A2A schemas are listed once, by the public `a2a` entry; this barrel adds the platform's
// schemas and the validators around them.
export * from '../a2a/index.js';
export { type ActivityRow, activityRowSchema } from './platform.js';
export { formatIssues, parseOrThrow, type Schema } from './validate.js';
