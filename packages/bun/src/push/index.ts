export { type BunPushDelivery, type BunPushDeliveryOptions, startPushDelivery } from './push-delivery.js';
export {
  type FetchHandler,
  type PushServer,
  type PushServerOptions,
  startPushServer,
} from './push-server.js';
