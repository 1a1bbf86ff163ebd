import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { InvalidResponseError } from '../src/errors.js';
import {
  a2aMessageSchema,
  extractText,
  isJsonRpcFailure,
  parseA2AResult,
  parseJsonRpcResponse,
} from '../src/schemas/a2a.js';
import { parseMessageSendRequest } from '../src/schemas/a2a-request.js';
import { activityRowSchema, peerRowSchema } from '../src/schemas/platform.js';

describe('A2A schemas', () => {
  it('accepts a v0.3 Message with text, file and data parts', () => {
    const message = {
      kind: 'message',
      role: 'user',
      messageId: 'm1',
      parts: [
        { kind: 'text', text: 'hi' },
        { kind: 'file', file: { uri: 'https://f.example/a', name: 'a', mimeType: 'text/plain' } },
        { kind: 'data', data: { n: 1 } },
      ],
      contextId: 'c',
      extra: 'kept',
    };
    expect(v.parse(a2aMessageSchema, message)).toEqual(message);
  });
  it('normalises legacy {type:"text"} parts and fills in kind:"message"', () => {
    expect(
      v.parse(a2aMessageSchema, { role: 'agent', messageId: 'm', parts: [{ type: 'text', text: 'old' }] }),
    ).toEqual({
      kind: 'message',
      role: 'agent',
      messageId: 'm',
      parts: [{ kind: 'text', text: 'old', metadata: undefined }],
    });
  });
  it('refuses a bad role, a missing messageId, an unknown part kind and a file part without uri or bytes', () => {
    const base = { role: 'user', messageId: 'm', parts: [{ kind: 'text', text: 'x' }] };
    for (const bad of [
      { ...base, role: 'assistant' },
      { ...base, messageId: '' },
      { ...base, parts: [{ kind: 'video', url: 'x' }] },
      { ...base, parts: [{ kind: 'file', file: { name: 'a' } }] },
      { ...base, parts: 'text' },
    ]) {
      expect(v.safeParse(a2aMessageSchema, bad).success).toBe(false);
    }
  });
  it('parses a message/send request as the platform pushes it (sorted keys, type parts, metadata)', () => {
    const request = parseMessageSendRequest(
      {
        id: 'r1',
        jsonrpc: '2.0',
        method: 'message/send',
        params: {
          message: {
            messageId: 'd1',
            metadata: { delegation_id: 'd1' },
            parts: [{ text: 'task', type: 'text' }],
            role: 'user',
          },
        },
      },
      'push',
    );
    expect(request.params.message.parts).toEqual([{ kind: 'text', text: 'task', metadata: undefined }]);
    expect(request.params.message.metadata).toEqual({ delegation_id: 'd1' });
  });
  it('a malformed message/send request is InvalidResponseError with issues', () => {
    try {
      parseMessageSendRequest(
        { jsonrpc: '2.0', method: 'message/send', params: { message: { role: 'user', parts: [] } } },
        'push',
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect((error as InvalidResponseError).issues.join()).toContain('messageId');
      expect((error as InvalidResponseError).source).toBe('push');
    }
  });
  it('JSON-RPC responses: result, error object, and neither', () => {
    const ok = parseJsonRpcResponse({ jsonrpc: '2.0', id: 1, result: { kind: 'message' } }, 's');
    expect(isJsonRpcFailure(ok)).toBe(false);
    const failed = parseJsonRpcResponse(
      { jsonrpc: '2.0', id: null, error: { code: -32603, message: 'Internal error', data: { x: 1 } } },
      's',
    );
    expect(isJsonRpcFailure(failed) && failed.error).toEqual({
      code: -32603,
      message: 'Internal error',
      data: { x: 1 },
    });
    for (const bad of [
      { jsonrpc: '2.0', id: 1 },
      { status: 'ok', result: 1 },
      { jsonrpc: '1.0', result: 1 },
      { jsonrpc: '2.0', error: { code: 'x', message: 1 } },
      null,
      'x',
    ]) {
      expect(() => parseJsonRpcResponse(bad, 's')).toThrow(InvalidResponseError);
    }
  });
  it('parseA2AResult classifies Message, Task and anything else without throwing', () => {
    expect(parseA2AResult({ kind: 'message', role: 'agent', messageId: 'm', parts: [] }).kind).toBe(
      'message',
    );
    expect(parseA2AResult({ kind: 'task', id: 't', status: { state: 'working' } }).kind).toBe('task');
    expect(parseA2AResult({ kind: 'task' }).kind).toBe('other');
    expect(parseA2AResult('plain').kind).toBe('other');
    expect(parseA2AResult(null).kind).toBe('other');
  });
  it('extractText reads parts, then artifacts, then the status message, kind or legacy type', () => {
    expect(
      extractText({
        parts: [
          { kind: 'text', text: 'a' },
          { kind: 'data', data: {} },
          { type: 'text', text: 'b' },
        ],
      }),
    ).toBe('a\nb');
    expect(
      extractText({
        kind: 'task',
        artifacts: [{ parts: [{ kind: 'text', text: 'x' }] }, { parts: [{ kind: 'text', text: 'y' }] }],
      }),
    ).toBe('x\ny');
    expect(
      extractText({
        kind: 'task',
        status: { state: 'completed', message: { parts: [{ kind: 'text', text: 's' }] } },
      }),
    ).toBe('s');
    for (const junk of [null, 1, 'x', { parts: 'x' }, { parts: [null, 1, { kind: 'text', text: 5 }] }])
      expect(extractText(junk)).toBe('');
  });
});

describe('platform schemas', () => {
  it('a peer row keeps unknown fields and allows null role/agent_card/parent_id', () => {
    const row = { id: 'p', role: null, agent_card: null, parent_id: null, extra: true, tier: 3 };
    expect(v.parse(peerRowSchema, row)).toEqual(row);
  });
  it('an activity row needs a non-empty string or numeric id; everything else is optional and kept', () => {
    const row = {
      id: 'a',
      activity_type: 'a2a_receive',
      source_id: null,
      request_body: { x: 1 },
      created_at: '2026-01-01T00:00:00Z',
      other: [1],
    };
    expect(v.parse(activityRowSchema, row)).toEqual(row);
    // Numbers are ids too (integer-keyed servers); Python's str(row["id"]) kept them.
    expect(v.parse(activityRowSchema, { id: 7, source_id: 5, created_at: 1 })).toEqual({
      id: '7',
      source_id: '5',
      created_at: '1',
    });
    for (const bad of [
      { id: '' },
      { id: Number.NaN },
      {},
      { id: 'a', source_id: { x: 1 } },
      { id: 'a', duration_ms: 'slow' },
    ]) {
      expect(v.safeParse(activityRowSchema, bad).success).toBe(false);
    }
  });
});
