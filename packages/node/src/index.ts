export * from './core-exports.js';
export * from './http/index.js';
export * from './loops/index.js';
export * from './plugins/index.js';
export * from './push/index.js';
export * from './stores/index.js';
