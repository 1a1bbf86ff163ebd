/**
 * Who sent an inbound message. `canvas_user`: a person in the platform's canvas (or the legacy
 * `user` source); `peer_agent`: another workspace; `unknown`: the row did not say.
 */
export type InboundSource = 'canvas_user' | 'peer_agent' | 'unknown';

/** How a message reached the agent. */
export type InboundDeliveryKind = 'poll' | 'push';

/** One message for the agent, whichever way it came (a polled activity row or a pushed request). */
export interface InboundMessage {
  /** Unique per message, used for de-duplication: the activity row id (poll) or the A2A `messageId` (push). */
  id: string;
  /** The activity row id, `null` for a pushed message. */
  activityId: string | null;
  delivery: InboundDeliveryKind;
  source: InboundSource;
  /**
   * The sending workspace for a peer, `null` for the canvas or when unknown. For pushed messages
   * this comes from the request and is NOT verified: the platform sends no credentials.
   */
  sourceId: string | null;
  /** The text parts joined with newlines (`""` when there were none). */
  text: string;
  /** The A2A parts as received (text, file and data parts), `[]` when the row had none. */
  parts: readonly unknown[];
  /** The A2A `messageId` of the inbound message, when it had one. */
  messageId: string | null;
  /** The A2A `contextId`, when the sender set one (replies carry it back). */
  contextId: string | null;
  /** The A2A `taskId`, when the sender set one (replies carry it back). */
  taskId: string | null;
  /** The JSON-RPC method, e.g. `message/send`, when known. */
  method: string | null;
  /** `params.message.metadata` of the A2A message (e.g. `delegation_id`), `{}` when absent. */
  metadata: Readonly<Record<string, unknown>>;
  /** Peer enrichment from the newer activity envelope (`data.peer_name` …), `""` when absent. */
  peerName: string;
  peerRole: string;
  agentCardUrl: string;
  /** When the platform recorded it (RFC 3339), when known. */
  createdAt: string | null;
  /** The activity row or JSON-RPC request exactly as received. */
  raw: unknown;
}
