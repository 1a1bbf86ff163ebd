import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { InboundMessage } from '@molecule-ai/agent-core';
import { createA2AHandler, JSON_RPC_ERROR } from '@molecule-ai/agent-core/a2a';
import { afterEach, describe, expect, it } from 'vitest';
import { type PushServer, startPushServer } from '../../src/push/index.js';

const servers: PushServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop({ timeoutMs: 1_000 })));
});

async function start(options: Parameters<typeof startPushServer>[0]): Promise<PushServer> {
  const server = await startPushServer(options);
  servers.push(server);
  return server;
}

function rpc(text: string, id: string | number = 1) {
  return {
    jsonrpc: '2.0',
    id,
    method: 'message/send',
    params: { message: { role: 'user', messageId: `m-${id}`, parts: [{ kind: 'text', text }] } },
  };
}

async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Sends raw bytes and resolves with everything received once the server closes the connection. */
function rawExchange(port: number, write: (socket: Socket) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.on('connect', () => write(socket));
  });
}

describe('startPushServer (ports of test_a2a_server, fixed where Python was weak)', () => {
  it('start_stop: binds 127.0.0.1 on an ephemeral port by default, registers a localhost capability URL, and stops', async () => {
    const server = await startPushServer({ onMessage: () => 'ok' });
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toMatch(new RegExp(`^http://localhost:${server.port}/a2a/[A-Za-z0-9_-]{32}$`));
    expect((await postJson(server.url, rpc('x'))).status).toBe(200);
    await server.stop();
    await expect(fetch(server.url, { method: 'POST' })).rejects.toThrow();
  });

  it('stop_idempotent', async () => {
    const server = await startPushServer({ onMessage: () => 'ok' });
    await Promise.all([server.stop(), server.stop()]);
    await server.stop();
  });

  it('inbound_call_routes_to_handler: the JSON-RPC request reaches the handler and the reply is a JSON-RPC Message (not {"status":"ok"})', async () => {
    const got: InboundMessage[] = [];
    const server = await start({
      path: '/a2a/inbound',
      onMessage: (message) => {
        got.push(message);
        return `hello ${message.text}`;
      },
    });
    const response = await postJson(server.url, rpc('world', 'r-1'));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      jsonrpc: '2.0',
      id: 'r-1',
      result: { kind: 'message', role: 'agent', parts: [{ kind: 'text', text: 'hello world' }] },
    });
    expect(got.map((m) => m.text)).toEqual(['world']);
  });

  it('non_json_body: answered with JSON-RPC -32700 instead of a non-JSON-RPC 400', async () => {
    const server = await start({ onMessage: () => 'never' });
    const response = await fetch(server.url, { method: 'POST', body: '{nope' });
    expect(response.status).toBe(200);
    expect((await response.json()).error.code).toBe(JSON_RPC_ERROR.parseError);
  });

  it('empty_body: answered with JSON-RPC -32700', async () => {
    const server = await start({ onMessage: () => 'never' });
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-length': '0' } });
    expect((await response.json()).error.code).toBe(JSON_RPC_ERROR.parseError);
  });

  it('wrong_path_returns_404 and the handler is not called; 405 with Allow for GET on the path', async () => {
    let calls = 0;
    const server = await start({
      onMessage: () => {
        calls++;
        return 'x';
      },
    });
    const origin = new URL(server.url).origin;
    expect((await postJson(`${origin}/a2a/inbound`, rpc('x'))).status).toBe(404);
    const get = await fetch(server.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(calls).toBe(0);
  });

  it('handler_exception: JSON-RPC -32603 without the exception text (Python echoed it in a 500)', async () => {
    const server = await start({
      onMessage: () => {
        throw new Error('secret-internal-detail');
      },
    });
    const text = await (await postJson(server.url, rpc('x'))).text();
    expect(JSON.parse(text).error).toEqual({ code: JSON_RPC_ERROR.internalError, message: 'Internal error' });
    expect(text).not.toContain('secret-internal-detail');
  });

  it('async_handler_runs: an async handler result is returned', async () => {
    const server = await start({
      onMessage: async (message) => {
        await new Promise((resolve) => setImmediate(resolve));
        return message.text.toUpperCase();
      },
    });
    expect((await (await postJson(server.url, rpc('abc'))).json()).result.parts[0].text).toBe('ABC');
  });

  it('concurrent_requests: five requests are handled at the same time, not one after another', async () => {
    const arrived: string[] = [];
    const allArrived = deferred();
    const server = await start({
      onMessage: async (message) => {
        arrived.push(message.text);
        if (arrived.length === 5) allArrived.resolve();
        // Every handler waits until all five are inside: only possible if they run concurrently.
        await allArrived.promise;
        return `done ${message.text}`;
      },
    });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => postJson(server.url, rpc(String(i), i)).then((r) => r.json())),
    );
    expect(results.map((r) => r.result.parts[0].text).sort()).toEqual([
      'done 1',
      'done 2',
      'done 3',
      'done 4',
      'done 5',
    ]);
  });

  it('an idle keep-alive client does not block other clients (as it would on a single-threaded keep-alive server)', async () => {
    const server = await start({ onMessage: (m) => `echo ${m.text}` });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (text: string) =>
      new Promise<{ status: number; body: string; socketReused: boolean }>((resolve, reject) => {
        const req = httpRequest(
          server.url,
          { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
          (res) => {
            let body = '';
            res.on('data', (c) => {
              body += c;
            });
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, body, socketReused: req.reusedSocket }),
            );
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(rpc(text)));
      });
    const first = await post('a');
    expect(first.status).toBe(200);
    // Client A's connection stays open and idle; a second, independent client is served.
    const other = await postJson(server.url, rpc('b'));
    expect((await other.json()).result.parts[0].text).toBe('echo b');
    // And A's idle connection is still usable.
    const again = await post('c');
    expect(again.socketReused).toBe(true);
    expect(JSON.parse(again.body).result.parts[0].text).toBe('echo c');
    agent.destroy();
  });

  it('a slow handler on one keep-alive connection does not block a request on another', async () => {
    const release = deferred();
    const server = await start({
      onMessage: async (m) => {
        if (m.text === 'slow') await release.promise;
        return m.text;
      },
    });
    const slow = postJson(server.url, rpc('slow'));
    const fast = await postJson(server.url, rpc('fast'));
    expect((await fast.json()).result.parts[0].text).toBe('fast');
    release.resolve();
    expect((await (await slow).json()).result.parts[0].text).toBe('slow');
  });

  it('a slow-loris connection that never finishes its headers is cut', async () => {
    const server = await start({ onMessage: () => 'x', headersTimeoutMs: 200 });
    let timer: NodeJS.Timeout | undefined;
    const received = await rawExchange(server.port, (socket) => {
      socket.write('POST / HTTP/1.1\r\nHost: x\r\n');
      // Dribble one header byte at a time, never ending the header block.
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write('X');
      }, 20);
    });
    clearInterval(timer);
    // Node answers 408 (or just closes) once headersTimeout passes; either way the socket is gone.
    expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('a client dribbling its body past requestTimeout is cut', async () => {
    let calls = 0;
    const server = await start({
      onMessage: () => {
        calls++;
        return 'x';
      },
      headersTimeoutMs: 200,
      requestTimeoutMs: 300,
    });
    let timer: NodeJS.Timeout | undefined;
    const received = await rawExchange(server.port, (socket) => {
      socket.write(`POST ${server.path} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{`);
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write(' ');
      }, 20);
    });
    clearInterval(timer);
    expect(received.includes('"result"')).toBe(false);
    expect(calls).toBe(0);
  });

  it('413 over the body cap, whether declared by Content-Length or streamed chunked', async () => {
    const server = await start({ onMessage: () => 'x', maxBodyBytes: 1_000 });
    const big = JSON.stringify(rpc('y'.repeat(5_000)));
    expect((await fetch(server.url, { method: 'POST', body: big })).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('z'.repeat(100)));
        controller.close();
      },
    });
    const chunked = await fetch(server.url, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    // The default cap is 1 MiB: just under passes.
    const roomy = await start({ onMessage: (m) => String(m.text.length) });
    const nearlyMiB = JSON.stringify(rpc('q'.repeat(1024 * 1024 - 200)));
    expect(
      (await (await fetch(roomy.url, { method: 'POST', body: nearlyMiB })).json()).result.parts[0].text,
    ).toBe(String(1024 * 1024 - 200));
    const overMiB = JSON.stringify(rpc('q'.repeat(1024 * 1024)));
    expect((await fetch(roomy.url, { method: 'POST', body: overMiB })).status).toBe(413);
  });

  it('503 with Retry-After when the concurrency limit is reached', async () => {
    const release = deferred();
    const entered = deferred();
    const server = await start({
      maxConcurrent: 1,
      onMessage: async () => {
        entered.resolve();
        await release.promise;
        return 'first';
      },
    });
    const first = postJson(server.url, rpc('1'));
    await entered.promise;
    const second = await postJson(server.url, rpc('2'));
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    release.resolve();
    expect((await first).status).toBe(200);
    expect((await postJson(server.url, rpc('3'))).status).toBe(200);
  });

  it('stop drains: in-flight handlers finish and answer before stop resolves; new connections are refused', async () => {
    const release = deferred();
    const entered = deferred();
    const server = await startPushServer({
      onMessage: async () => {
        entered.resolve();
        await release.promise;
        return 'finished';
      },
    });
    const inFlight = postJson(server.url, rpc('x'));
    await entered.promise;
    expect(server.inFlight).toBe(1);
    let stopped = false;
    const stopping = server.stop().then(() => {
      stopped = true;
    });
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    await expect(postJson(server.url, rpc('late'))).rejects.toThrow();
    release.resolve();
    const response = await inFlight;
    expect((await response.json()).result.parts[0].text).toBe('finished');
    await stopping;
    expect(stopped).toBe(true);
  });

  it('serves any fetch handler and builds the URL from publicOrigin', async () => {
    const handler = createA2AHandler({ path: '/hook/abc', onMessage: () => 'via handler' });
    const server = await start({ handler, publicOrigin: 'http://localhost:{port}/' });
    expect(server.url).toBe(`http://localhost:${server.port}/hook/abc`);
    const response = await postJson(`http://127.0.0.1:${server.port}/hook/abc/a2a`, rpc('x'));
    expect((await response.json()).result.parts[0].text).toBe('via handler');
  });

  it('a fetch handler that throws becomes a bare 500 without details', async () => {
    const server = await start({
      handler: async () => {
        throw new Error('boom-detail');
      },
    });
    const response = await fetch(server.url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('boom-detail');
  });

  it('needs exactly one of handler and onMessage', async () => {
    await expect(startPushServer({})).rejects.toThrow(/exactly one/);
    await expect(
      startPushServer({ onMessage: () => 'x', handler: async () => new Response() }),
    ).rejects.toThrow(/exactly one/);
  });
});
