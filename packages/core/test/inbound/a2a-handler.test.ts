import { describe, expect, it } from 'vitest';
import { createA2AHandler, JSON_RPC_ERROR, type PushHandlerContext } from '../../src/a2a/index.js';
import { createCapabilityPath, type InboundMessage } from '../../src/inbound/index.js';
import { createRecordingLogger } from '../../src/testing/index.js';

const ORIGIN = 'http://agent.test';

function post(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(ORIGIN + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function send(parts: unknown[], extra: Record<string, unknown> = {}, id: unknown = 'rpc-1') {
  return {
    jsonrpc: '2.0',
    id,
    method: 'message/send',
    params: { message: { role: 'user', messageId: 'm-1', parts, ...extra } },
  };
}

describe('createA2AHandler', () => {
  it('answers message/send with a JSON-RPC result Message the platform can extract', async () => {
    const seen: InboundMessage[] = [];
    const handler = createA2AHandler({
      path: '/a2a/inbound',
      onMessage: (message) => {
        seen.push(message);
        return `echo: ${message.text}`;
      },
    });
    const response = await handler(
      post('/a2a/inbound', send([{ kind: 'text', text: 'hello' }], { contextId: 'ctx-9' })),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = await response.json();
    expect(body.jsonrpc).toBe('2.0');
    expect(body.id).toBe('rpc-1');
    expect(body.result).toMatchObject({
      kind: 'message',
      role: 'agent',
      parts: [{ kind: 'text', text: 'echo: hello' }],
      contextId: 'ctx-9',
      metadata: { inReplyTo: 'm-1' },
    });
    expect(body.result.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[0]).toMatchObject({
      id: 'm-1',
      delivery: 'push',
      activityId: null,
      text: 'hello',
      method: 'message/send',
    });
  });

  it('accepts legacy type parts and keeps params.message.metadata (what /delegate sends)', async () => {
    let got: InboundMessage | undefined;
    const handler = createA2AHandler({
      path: '/',
      onMessage: (message) => {
        got = message;
        return 'ok';
      },
    });
    const response = await handler(
      post(
        '/',
        send([{ type: 'text', text: 'task text' }], { metadata: { delegation_id: 'd-7' }, taskId: 't-1' }, 5),
      ),
    );
    const body = await response.json();
    expect(body.id).toBe(5);
    expect(body.result.taskId).toBe('t-1');
    expect(got).toMatchObject({ text: 'task text', metadata: { delegation_id: 'd-7' }, taskId: 't-1' });
  });

  it('serves <path>/a2a too (the MCP bridge route) and names the unverified caller from X-Workspace-ID', async () => {
    let got: InboundMessage | undefined;
    const handler = createA2AHandler({
      path: '/a2a/secret',
      onMessage: (message) => {
        got = message;
        return 'x';
      },
    });
    const response = await handler(
      post('/a2a/secret/a2a', send([{ type: 'text', text: 'via bridge' }]), {
        'x-workspace-id': 'ws-caller',
      }),
    );
    expect(response.status).toBe(200);
    expect(got).toMatchObject({ source: 'peer_agent', sourceId: 'ws-caller', text: 'via bridge' });
  });

  it('an empty or whitespace reply is a Message with no parts, not an error', async () => {
    for (const result of [undefined, null, '', '   \n']) {
      const handler = createA2AHandler({ path: '/p', onMessage: () => result });
      const body = await (await handler(post('/p', send([{ kind: 'text', text: 'x' }])))).json();
      expect(body.result).toMatchObject({ kind: 'message', role: 'agent', parts: [] });
    }
  });

  it('awaits an async handler and gives it the request and a signal', async () => {
    let context: PushHandlerContext | undefined;
    const handler = createA2AHandler({
      path: '/p',
      onMessage: async (_message, ctx) => {
        context = ctx;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return 'late';
      },
    });
    const body = await (await handler(post('/p', send([{ kind: 'text', text: 'x' }])))).json();
    expect(body.result.parts[0].text).toBe('late');
    expect(context?.request.method).toBe('POST');
    expect(context?.signal).toBeInstanceOf(AbortSignal);
  });

  it('-32700 for invalid JSON and for invalid UTF-8, with id null', async () => {
    const handler = createA2AHandler({ path: '/p', onMessage: () => 'never' });
    for (const body of ['{not json', new Uint8Array([0x7b, 0xff, 0x7d])]) {
      const response = await handler(new Request(`${ORIGIN}/p`, { method: 'POST', body }));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: JSON_RPC_ERROR.parseError, message: 'Parse error' },
      });
    }
    const empty = await handler(new Request(`${ORIGIN}/p`, { method: 'POST' }));
    expect((await empty.json()).error.code).toBe(JSON_RPC_ERROR.parseError);
  });

  it('-32600 for JSON that is not a request (array, wrong jsonrpc, missing method, bad id)', async () => {
    const handler = createA2AHandler({ path: '/p', onMessage: () => 'never' });
    const cases: [unknown, unknown][] = [
      [[send([])], null],
      ['"a string"', null],
      [{ jsonrpc: '1.0', id: 1, method: 'message/send', params: {} }, 1],
      [{ jsonrpc: '2.0', id: 2 }, 2],
      [{ jsonrpc: '2.0', id: { x: 1 }, method: 'message/send' }, null],
    ];
    for (const [body, id] of cases) {
      const json = await (await handler(post('/p', body))).json();
      expect(json).toEqual({
        jsonrpc: '2.0',
        id,
        error: { code: JSON_RPC_ERROR.invalidRequest, message: 'Invalid Request' },
      });
    }
  });

  it('-32601 for any other method', async () => {
    const handler = createA2AHandler({ path: '/p', onMessage: () => 'never' });
    const json = await (
      await handler(post('/p', { jsonrpc: '2.0', id: 'x', method: 'tasks/get', params: {} }))
    ).json();
    expect(json.error.code).toBe(JSON_RPC_ERROR.methodNotFound);
    expect(json.id).toBe('x');
  });

  it('-32602 when params.message.parts is missing or malformed', async () => {
    const handler = createA2AHandler({ path: '/p', onMessage: () => 'never' });
    for (const params of [
      undefined,
      {},
      { message: 'x' },
      { message: { parts: 'x' } },
      { message: { parts: ['x'] } },
    ]) {
      const json = await (
        await handler(post('/p', { jsonrpc: '2.0', id: 3, method: 'message/send', params }))
      ).json();
      expect(json.error.code).toBe(JSON_RPC_ERROR.invalidParams);
    }
  });

  it('-32603 when the handler throws, without echoing the exception text (Python leaked it)', async () => {
    const logger = createRecordingLogger();
    const handler = createA2AHandler({
      path: '/p',
      logger,
      onMessage: () => {
        throw new Error('db password is hunter2');
      },
    });
    const response = await handler(post('/p', send([{ kind: 'text', text: 'x' }])));
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toEqual({
      jsonrpc: '2.0',
      id: 'rpc-1',
      error: { code: JSON_RPC_ERROR.internalError, message: 'Internal error' },
    });
    expect(text).not.toContain('hunter2');
    expect(logger.messages('error')).not.toHaveLength(0);
  });

  it('413 over the body cap, counted while reading even when Content-Length is absent or lies', async () => {
    const handler = createA2AHandler({ path: '/p', maxBodyBytes: 100, onMessage: () => 'never' });
    const big = JSON.stringify(send([{ kind: 'text', text: 'x'.repeat(200) }]));
    expect((await handler(post('/p', big))).status).toBe(413);
    // A stream with no declared length.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(50)));
        controller.close();
      },
    });
    const streamed = new Request(`${ORIGIN}/p`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const response = await handler(streamed);
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe(JSON_RPC_ERROR.invalidRequest);
    // Exactly at the cap is fine.
    const exact = JSON.stringify(send([{ kind: 'text', text: '' }]));
    const atCap = createA2AHandler({ path: '/p', maxBodyBytes: exact.length, onMessage: () => 'ok' });
    expect((await atCap(post('/p', exact))).status).toBe(200);
  });

  it('405 with Allow for other methods on the path; 404 elsewhere', async () => {
    const handler = createA2AHandler({ path: '/p', onMessage: () => 'never' });
    const get = await handler(new Request(`${ORIGIN}/p`));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const put = await handler(new Request(`${ORIGIN}/p/a2a`, { method: 'PUT', body: '{}' }));
    expect(put.status).toBe(405);
    expect((await handler(post('/other', send([])))).status).toBe(404);
    expect((await handler(post('/p/a2a/more', send([])))).status).toBe(404);
    expect((await handler(post('/', send([])))).status).toBe(404);
  });

  it('ignores the query string and a trailing slash when matching the path', async () => {
    const handler = createA2AHandler({ path: '/p', onMessage: () => 'ok' });
    expect((await handler(post('/p/?x=1', send([{ kind: 'text', text: 'x' }])))).status).toBe(200);
  });

  it('a request without id is a notification: handled, answered 204 with no body', async () => {
    let calls = 0;
    const handler = createA2AHandler({
      path: '/p',
      onMessage: () => {
        calls++;
        return 'ignored';
      },
    });
    const { id: _id, ...notification } = send([{ kind: 'text', text: 'x' }]);
    const response = await handler(post('/p', notification));
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(calls).toBe(1);
  });

  it('503 with Retry-After while not available', async () => {
    let open = false;
    const handler = createA2AHandler({ path: '/p', available: () => open, onMessage: () => 'ok' });
    const closed = await handler(post('/p', send([{ kind: 'text', text: 'x' }])));
    expect(closed.status).toBe(503);
    expect(closed.headers.get('retry-after')).toBe('1');
    open = true;
    expect((await handler(post('/p', send([{ kind: 'text', text: 'x' }])))).status).toBe(200);
  });

  it('defaults to an unguessable capability path', async () => {
    const a = createA2AHandler({ onMessage: () => 'ok' });
    const b = createA2AHandler({ onMessage: () => 'ok' });
    expect(a.path).toMatch(/^\/a2a\/[A-Za-z0-9_-]{32}$/);
    expect(a.path).not.toBe(b.path);
    expect((await a(post('/a2a', send([{ kind: 'text', text: 'x' }])))).status).toBe(404);
    expect((await a(post(a.path, send([{ kind: 'text', text: 'x' }])))).status).toBe(200);
  });
});

describe('createCapabilityPath', () => {
  it('gives 32 base64url characters under the prefix, different every time', () => {
    const paths = new Set(Array.from({ length: 50 }, () => createCapabilityPath()));
    expect(paths.size).toBe(50);
    for (const path of paths) expect(path).toMatch(/^\/a2a\/[A-Za-z0-9_-]{32}$/);
    expect(createCapabilityPath('/')).toMatch(/^\/[A-Za-z0-9_-]{32}$/);
    expect(createCapabilityPath('/hooks/')).toMatch(/^\/hooks\/[A-Za-z0-9_-]{32}$/);
  });
});
