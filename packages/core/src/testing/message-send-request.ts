import type { MessageSendRequest } from '../schemas/a2a.js';

/**
 * A JSON-RPC A2A `message/send` request carrying `text`, as a peer sends it to a push endpoint
 * (message id `m-<id>`), for tests of push servers and handlers.
 */
export function messageSendRequest(text: string, id: string | number = 1): MessageSendRequest {
  return {
    jsonrpc: '2.0',
    id,
    method: 'message/send',
    params: {
      message: { kind: 'message', role: 'user', messageId: `m-${id}`, parts: [{ kind: 'text', text }] },
    },
  };
}
