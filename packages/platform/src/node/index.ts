/**
 * `@molecule-ai/platform-sim/node`: run the simulator as a real HTTP server on Node.
 */
export {
  type FetchHandlerLike,
  type PlatformServer,
  type PlatformServerOptions,
  startPlatformServer,
} from './listener.js';
export { folderPluginSource, readPluginFolder } from './plugin-folder.js';
