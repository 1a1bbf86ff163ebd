import { describe, expect, it } from 'vitest';
import { isOwnNotifyRow, parseActivityRow } from '../../src/inbound/index.js';

/** A row exactly as the server writes it for a message proxied to the workspace, as the activity feed returns it. */
function serverRow(
  overrides: Record<string, unknown> = {},
  parts: unknown[] = [{ kind: 'text', text: 'hi' }],
) {
  return {
    id: 'a0000000-0000-4000-8000-000000000001',
    workspace_id: 'w0000000-0000-4000-8000-000000000001',
    activity_type: 'a2a_receive',
    source_id: null,
    target_id: 'w0000000-0000-4000-8000-000000000001',
    method: 'message/send',
    summary: null,
    duration_ms: 12,
    status: 'ok',
    error_detail: null,
    created_at: '2026-05-01T10:00:00.123456Z',
    request_body: {
      id: 'rpc-1',
      jsonrpc: '2.0',
      method: 'message/send',
      params: { message: { messageId: 'm-1', parts, role: 'user' } },
    },
    ...overrides,
  };
}

describe('parseActivityRow: the newer data envelope (the Python SDK rules)', () => {
  it('parse_activity_row_canvas_user_explicit', () => {
    const msg = parseActivityRow({
      id: 'act-1',
      source_id: 'user',
      data: { source: 'canvas_user', text: 'hello' },
    });
    expect(msg).toMatchObject({
      id: 'act-1',
      activityId: 'act-1',
      source: 'canvas_user',
      sourceId: 'user',
      text: 'hello',
    });
    expect(msg?.delivery).toBe('poll');
  });

  it('parse_activity_row_legacy_user_normalises_to_canvas', () => {
    expect(parseActivityRow({ id: 'a', data: { source: 'user', text: 't' } })?.source).toBe('canvas_user');
  });

  it('parse_activity_row_peer_agent_explicit', () => {
    const msg = parseActivityRow({
      id: 'a',
      source_id: 'peer-ws-1',
      data: { source: 'peer_agent', text: 'x' },
    });
    expect(msg).toMatchObject({ source: 'peer_agent', sourceId: 'peer-ws-1' });
  });

  it('parse_activity_row_inferred_peer_from_source_id', () => {
    const msg = parseActivityRow({ id: 'a', source_id: 'peer-ws-88', data: { text: 'x' } });
    expect(msg).toMatchObject({ source: 'peer_agent', sourceId: 'peer-ws-88' });
  });

  it('parse_activity_row_inferred_canvas_from_user_source_id', () => {
    expect(parseActivityRow({ id: 'a', source_id: 'user', data: { text: 'x' } })?.source).toBe('canvas_user');
  });

  it('parse_activity_row_unknown_source_falls_through', () => {
    const msg = parseActivityRow({ id: 'a', data: { text: 'x' } });
    expect(msg).toMatchObject({ source: 'unknown', sourceId: null });
  });

  it('an explicit kind other than the known ones falls through to the source_id heuristic', () => {
    expect(parseActivityRow({ id: 'a', source_id: 'ws-9', data: { source: 'system' } })?.source).toBe(
      'peer_agent',
    );
    expect(parseActivityRow({ id: 'a', data: { source: 'system' } })?.source).toBe('unknown');
  });

  it('the top-level source_id wins over data.source_id; data.source wins over row.source', () => {
    const msg = parseActivityRow({
      id: 'a',
      source: 'peer_agent',
      source_id: 'top',
      data: { source: 'user', source_id: 'inner' },
    });
    expect(msg).toMatchObject({ source: 'canvas_user', sourceId: 'top' });
    expect(parseActivityRow({ id: 'a', data: { source_id: 'inner' } })?.sourceId).toBe('inner');
  });

  it('parse_activity_row_no_id_returns_none', () => {
    expect(parseActivityRow({ data: { text: 'x' } })).toBeNull();
    expect(parseActivityRow({ id: '', data: { text: 'x' } })).toBeNull();
    expect(parseActivityRow({ id: 0, data: { text: 'x' } })).toBeNull();
  });

  it('a numeric id is printed like Python str()', () => {
    expect(parseActivityRow({ id: 42, data: { text: 'x' } })?.id).toBe('42');
  });

  it('parse_activity_row_text_alt_key', () => {
    expect(parseActivityRow({ id: 'a', data: { message: 'via message' } })?.text).toBe('via message');
    // Falsy text falls back to message, as `data.text or data.message` does.
    expect(parseActivityRow({ id: 'a', data: { text: '', message: 'fallback' } })?.text).toBe('fallback');
  });

  it('parse_activity_row_carries_peer_enrichment_fields', () => {
    const msg = parseActivityRow({
      id: 'a',
      data: {
        text: 'x',
        peer_name: 'Researcher',
        peer_role: 'research',
        agent_card_url: 'https://peer/card',
      },
    });
    expect(msg).toMatchObject({
      peerName: 'Researcher',
      peerRole: 'research',
      agentCardUrl: 'https://peer/card',
    });
  });

  it('parse_activity_row_missing_enrichment_fields_default_to_empty', () => {
    expect(parseActivityRow({ id: 'a', data: { text: 'x' } })).toMatchObject({
      peerName: '',
      peerRole: '',
      agentCardUrl: '',
    });
  });

  it('a non-object data is treated as an empty envelope; rows with empty text are still messages', () => {
    const msg = parseActivityRow({ id: 'a', data: { text: '' } });
    expect(msg?.text).toBe('');
  });

  it('non-object rows are not messages', () => {
    for (const row of [null, 'x', 42, ['id']]) expect(parseActivityRow(row)).toBeNull();
  });

  it('keeps the whole row as raw', () => {
    const row = { id: 'a', data: { text: 'x' }, extra: 1 };
    expect(parseActivityRow(row)?.raw).toBe(row);
  });
});

describe('parseActivityRow: the shape the server returns today (no `data`: the text is in `request_body`)', () => {
  it('reads the text from request_body.params.message.parts with kind text parts', () => {
    const msg = parseActivityRow(serverRow());
    expect(msg).toMatchObject({
      id: 'a0000000-0000-4000-8000-000000000001',
      text: 'hi',
      method: 'message/send',
      messageId: 'm-1',
      createdAt: '2026-05-01T10:00:00.123456Z',
    });
  });

  it('reads legacy type text parts too (what /delegate and the MCP bridge send), joined by newlines', () => {
    const msg = parseActivityRow(
      serverRow({}, [
        { type: 'text', text: 'line 1' },
        { kind: 'file', file: { uri: 'https://x/y' } },
        { kind: 'text', text: 'line 2' },
        { kind: 'text', text: 7 },
      ]),
    );
    expect(msg?.text).toBe('line 1\nline 2');
    expect(msg?.parts).toHaveLength(4);
  });

  it('source_id null is the canvas user', () => {
    expect(parseActivityRow(serverRow())).toMatchObject({ source: 'canvas_user', sourceId: null });
  });

  it('a source_id is a peer agent', () => {
    const peer = 'b0000000-0000-4000-8000-000000000002';
    expect(parseActivityRow(serverRow({ source_id: peer }))).toMatchObject({
      source: 'peer_agent',
      sourceId: peer,
    });
  });

  it('carries contextId, taskId and metadata for reply correlation', () => {
    const row = serverRow();
    (row.request_body.params.message as Record<string, unknown>).contextId = 'ctx-1';
    (row.request_body.params.message as Record<string, unknown>).taskId = 'task-1';
    (row.request_body.params.message as Record<string, unknown>).metadata = { delegation_id: 'd-1' };
    expect(parseActivityRow(row)).toMatchObject({
      contextId: 'ctx-1',
      taskId: 'task-1',
      metadata: { delegation_id: 'd-1' },
    });
  });

  it('skips the agent own notify rows, or the agent would answer itself', () => {
    const notify = {
      id: 'n-1',
      activity_type: 'a2a_receive',
      method: 'notify',
      source_id: null,
      response_body: { result: 'my own reply' },
      created_at: '2026-05-01T10:00:01Z',
    };
    expect(isOwnNotifyRow(notify)).toBe(true);
    expect(parseActivityRow(notify)).toBeNull();
    expect(isOwnNotifyRow(serverRow())).toBe(false);
  });

  it('a row without a request body is a message with empty text', () => {
    expect(parseActivityRow({ id: 'x', source_id: null, method: 'message/send' })).toMatchObject({
      text: '',
      parts: [],
    });
  });

  it('an envelope with empty text falls back to the request body', () => {
    expect(parseActivityRow({ ...serverRow(), data: { source: 'canvas_user' } })?.text).toBe('hi');
  });

  it('numeric id, source_id and created_at are read as strings (Python kept such rows: str(row["id"]))', () => {
    const msg = parseActivityRow({
      id: 42,
      source_id: 7,
      created_at: 1_767_225_600,
      data: { text: 'from an integer-keyed server' },
    });
    expect(msg).toMatchObject({
      id: '42',
      activityId: '42',
      sourceId: '7',
      source: 'peer_agent',
      createdAt: '1767225600',
      text: 'from an integer-keyed server',
    });
  });
});
