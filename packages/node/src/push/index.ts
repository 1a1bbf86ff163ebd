export {
  type StartedPushDelivery,
  type StartPushDeliveryOptions,
  startPushDelivery,
} from './push-delivery.js';
export {
  type FetchHandler,
  type PushServer,
  type PushServerOptions,
  startPushServer,
} from './push-server.js';
