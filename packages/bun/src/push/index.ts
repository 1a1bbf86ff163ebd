export {
  type FetchHandler,
  type PushServer,
  type PushServerOptions,
  startPushServer,
} from './push-server.js';
