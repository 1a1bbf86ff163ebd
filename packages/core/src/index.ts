export * from './errors.js';
export * from './ports/index.js';
