import { isRecord, optionalString, textOfParts } from './a2a-parts.js';
import type { InboundMessage, InboundSource } from './inbound-message.js';

/**
 * Python's `str(x or "")`: falsy → `""`, strings as they are, numbers and booleans printed.
 * Objects are not stringified (Python would print a dict repr nobody wants).
 */
function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return value === 0 || Number.isNaN(value) ? '' : String(value);
  if (value === true) return 'True';
  return '';
}

/** The Python SDK's rules for the source, so both SDKs classify a row alike: explicit kind first, then the `source_id` heuristic. */
function classifySource(kind: string, sourceId: string, nullMeansCanvas: boolean): InboundSource {
  if (kind === 'canvas_user' || kind === 'user') return 'canvas_user';
  if (kind === 'peer_agent') return 'peer_agent';
  if (sourceId !== '' && sourceId !== 'user') return 'peer_agent';
  if (sourceId === 'user') return 'canvas_user';
  // The server writes `source_id: null` for messages from the canvas; the newer envelope without
  // any source information stays `unknown`, as in Python.
  return nullMeansCanvas ? 'canvas_user' : 'unknown';
}

/** True for the agent's own `/notify` messages, which the server stores as `a2a_receive` rows. */
export function isOwnNotifyRow(row: unknown): boolean {
  return isRecord(row) && row.method === 'notify';
}

/**
 * Turns one activity row into an {@link InboundMessage}, or `null` when the row is not a message
 * for the agent (no id, not an object, or the agent's own `notify`).
 *
 * Two row shapes exist:
 * - the newer envelope the Python SDK expects: `{id, source?, source_id?, data: {source, source_id,
 *   text | message, peer_name, peer_role, agent_card_url}}`, parsed with Python's exact rules;
 * - what the server returns today: `{id, activity_type, source_id, method, request_body, created_at}`,
 *   with the text in `request_body.params.message.parts[]` (`kind` or `type` text parts) and
 *   `source_id: null` for the canvas.
 *
 * A row with a `data` envelope whose text is empty falls back to the request body's parts. Rows
 * with empty text are still messages (Python delivers them too).
 */
export function parseActivityRow(row: unknown): InboundMessage | null {
  if (!isRecord(row)) return null;
  const id = pyStr(row.id);
  if (id === '') return null;
  if (isOwnNotifyRow(row)) return null;

  const hasEnvelope = isRecord(row.data);
  const data: Record<string, unknown> = hasEnvelope ? (row.data as Record<string, unknown>) : {};
  const requestBody = isRecord(row.request_body) ? row.request_body : undefined;
  const params = isRecord(requestBody?.params) ? requestBody.params : undefined;
  const message = isRecord(params?.message) ? params.message : undefined;
  const parts: unknown[] = Array.isArray(message?.parts) ? message.parts : [];

  const kind = pyStr(data.source) || pyStr(row.source);
  const sourceId = pyStr(row.source_id) || pyStr(data.source_id);
  const source = classifySource(kind, sourceId, !hasEnvelope);
  const text = pyStr(data.text) || pyStr(data.message) || textOfParts(parts);
  const method = optionalString(row.method) ?? optionalString(requestBody?.method);

  return {
    id,
    activityId: id,
    delivery: 'poll',
    source,
    sourceId: sourceId === '' ? null : sourceId,
    text,
    parts,
    messageId: optionalString(message?.messageId),
    contextId: optionalString(message?.contextId),
    taskId: optionalString(message?.taskId),
    method,
    metadata: isRecord(message?.metadata) ? message.metadata : {},
    peerName: pyStr(data.peer_name),
    peerRole: pyStr(data.peer_role),
    agentCardUrl: pyStr(data.agent_card_url),
    // Epoch timestamps from integer columns arrive as numbers; kept as their decimal string.
    createdAt: pyStr(row.created_at) || pyStr(row.ts) || null,
    raw: row,
  };
}
