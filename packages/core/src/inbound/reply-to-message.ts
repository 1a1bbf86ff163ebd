import { sendMessage } from '../client/call-peer.js';
import type { AgentClient } from '../client/create-agent-client.js';
import type { InboundMessage } from './inbound-message.js';
import { replyTextOf } from './message-handler.js';

/** The A2A fields of a reply to a peer: correlation with the inbound message. */
export interface PeerReplyOptions {
  role: 'agent';
  /** `inReplyTo` names the inbound `messageId` (or its activity id). */
  metadata: Record<string, unknown>;
  contextId?: string;
  taskId?: string;
}

/** Where a reply went, or why it went nowhere. */
export type ReplyOutcome =
  | { route: 'notify' }
  | { route: 'a2a'; targetId: string }
  | { route: 'none'; reason: 'empty' | 'pushed' | 'unknown-source' | 'no-source-id' };

/**
 * Sends `text` back to whoever sent `message`: a canvas user gets a `notify`, a peer agent an
 * A2A `message/send` through the proxy (carrying `contextId`/`taskId` and `metadata.inReplyTo`,
 * which Python's reply lacked). Nothing is sent, and nothing thrown, for an empty or whitespace
 * text, for a pushed message (its reply is the HTTP response), or when the sender is unknown;
 * the outcome says which. Network and API errors reject as usual.
 */
export async function replyToMessage(
  client: AgentClient,
  message: InboundMessage,
  text: string,
): Promise<ReplyOutcome> {
  const reply = replyTextOf(text);
  if (reply === null) return { route: 'none', reason: 'empty' };
  if (message.delivery === 'push') return { route: 'none', reason: 'pushed' };
  if (message.source === 'canvas_user') {
    await client.notify(reply);
    return { route: 'notify' };
  }
  if (message.source === 'peer_agent') {
    if (!message.sourceId) return { route: 'none', reason: 'no-source-id' };
    const options: PeerReplyOptions = {
      role: 'agent',
      metadata: { inReplyTo: message.messageId ?? message.id },
    };
    if (message.contextId) options.contextId = message.contextId;
    if (message.taskId) options.taskId = message.taskId;
    await sendMessage(client, message.sourceId, reply, options);
    return { route: 'a2a', targetId: message.sourceId };
  }
  return { route: 'none', reason: 'unknown-source' };
}
