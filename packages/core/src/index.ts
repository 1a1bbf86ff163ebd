export * from './agent/index.js';
export * from './client/index.js';
export * from './errors.js';
export * from './inbound/index.js';
export * from './loops/index.js';
export * from './plugins/index.js';
export * from './ports/index.js';
