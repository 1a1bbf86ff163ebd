export {
  createUndiciTransport,
  sharedHttpTransport,
  type UndiciTransportOptions,
} from './undici-transport.js';
