import type { FetchActivityOptions } from '../client/activity.js';
import type { AgentClient } from '../client/create-agent-client.js';
import type { InboundMessage } from './inbound-message.js';
import { parseActivityRow } from './parse-activity-row.js';

/** Options of {@link fetchInbound}: those of `AgentClient.fetchActivity`, with the Python SDK's defaults. */
export interface FetchInboundOptions extends FetchActivityOptions {
  /** Default `a2a_receive` (messages to this agent). */
  type?: string;
  /** Default 100. */
  limit?: number;
}

/**
 * The Python SDK's `fetch_inbound`: `client.fetchActivity` with `type=a2a_receive` and `limit=100`
 * unless given, parsed into {@link InboundMessage}s in server order. Rows that are not messages for
 * this agent (no id, its own `notify`) are skipped. `client.fetchActivity` returns the raw rows
 * instead. A function of this subpath rather than a client method, so that a client that never
 * reads its feed this way does not carry the row parser.
 *
 * @example
 * const messages = await fetchInbound(client, { sinceId: cursor });
 */
export async function fetchInbound(
  client: Pick<AgentClient, 'fetchActivity'>,
  options: FetchInboundOptions = {},
): Promise<InboundMessage[]> {
  const rows = await client.fetchActivity({
    ...options,
    type: options.type ?? 'a2a_receive',
    limit: options.limit ?? 100,
  });
  const messages: InboundMessage[] = [];
  for (const row of rows) {
    const message = parseActivityRow(row);
    if (message) messages.push(message);
  }
  return messages;
}
