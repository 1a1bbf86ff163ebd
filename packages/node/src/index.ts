export * from './agent/index.js';
// The runtime's createAgentClient (defaults from MOLECULE_*, file stores, this runtime's transport)
// shadows the core's port-level one that core-exports.js re-exports.
export { createAgentClient } from './agent/index.js';
export * from './core-exports.js';
export * from './http/index.js';
export * from './loops/index.js';
export * from './plugins/index.js';
export * from './push/index.js';
export * from './stores/index.js';
