export * from './stores/index.js';
export * from './plugins/index.js';
export * from './push/index.js';
