export { createFsPluginSink, type FsPluginSinkOptions } from './fs-plugin-sink.js';
export { createNodeProcessRunner, type NodeProcessRunnerOptions } from './node-process-runner.js';
export { hashPluginDirectory } from './plugin-directory-hash.js';
