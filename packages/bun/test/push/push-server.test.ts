import { afterEach, describe, expect, it } from 'bun:test';
import { connect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ConfigError } from '@molecule-ai/agent-core';
import { createA2AHandler, JSON_RPC_ERROR } from '@molecule-ai/agent-core/a2a';
import { type PushServer, startPushServer } from '../../src/index.js';

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

function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Sends raw bytes; resolves with what came back once the server answers or closes. */
function rawExchange(port: number, write: (socket: Socket) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.on('connect', () => write(socket));
  });
}

describe('startPushServer on Bun.serve', () => {
  it('binds 127.0.0.1 on a free port by default and registers a localhost capability URL', async () => {
    const server = await start({ onMessage: () => 'hi' });
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.path).toMatch(/^\/a2a\/[A-Za-z0-9_-]{32}$/);
    expect(server.url).toBe(`http://localhost:${server.port}${server.path}`);
    const response = await postJson(server.url, rpc('x'));
    expect(response.status).toBe(200);
  });

  it('is not reachable on any non-loopback address of this machine', async () => {
    const server = await start({ onMessage: () => 'hi' });
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    for (const address of external) {
      await expect(
        fetch(`http://${address}:${server.port}${server.path}`, { method: 'POST' }),
      ).rejects.toThrow();
    }
    // And it is on loopback.
    expect((await postJson(server.url, rpc('x'))).status).toBe(200);
  });

  it('routes message/send to onMessage and answers with a JSON-RPC A2A Message', async () => {
    const seen: { text: string; delivery: string; caller: string | null }[] = [];
    const server = await start({
      onMessage: async (message) => {
        seen.push({ text: message.text, delivery: message.delivery, caller: message.sourceId });
        return `echo: ${message.text}`;
      },
    });
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-workspace-id': 'ws-peer' },
      body: JSON.stringify(rpc('hello', 7)),
    });
    const body = (await response.json()) as {
      jsonrpc: string;
      id: number;
      result: { kind: string; role: string; parts: { kind: string; text: string }[]; metadata: unknown };
    };
    expect(body.jsonrpc).toBe('2.0');
    expect(body.id).toBe(7);
    expect(body.result.kind).toBe('message');
    expect(body.result.role).toBe('agent');
    expect(body.result.parts).toEqual([{ kind: 'text', text: 'echo: hello' }]);
    expect(body.result.metadata).toEqual({ inReplyTo: 'm-7' });
    expect(seen).toEqual([{ text: 'hello', delivery: 'push', caller: 'ws-peer' }]);
    // The MCP bridge appends /a2a to the registered URL.
    const bridged = await postJson(`${server.url}/a2a`, rpc('again'));
    expect(((await bridged.json()) as { result: { parts: { text: string }[] } }).result.parts[0]!.text).toBe(
      'echo: again',
    );
  });

  it('answers bad JSON with -32700, other paths with 404 and GET with 405', async () => {
    let calls = 0;
    const server = await start({
      onMessage: () => {
        calls++;
        return 'x';
      },
    });
    const bad = await fetch(server.url, { method: 'POST', body: '{not json' });
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(JSON_RPC_ERROR.parseError);
    expect((await postJson(`http://127.0.0.1:${server.port}/elsewhere`, rpc('x'))).status).toBe(404);
    const get = await fetch(server.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(calls).toBe(0);
  });

  it('a throwing handler gives JSON-RPC -32603 without the exception text', async () => {
    const server = await start({
      onMessage: () => {
        throw new Error('secret-detail');
      },
    });
    const response = await postJson(server.url, rpc('x'));
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe(JSON_RPC_ERROR.internalError);
    expect(text).not.toContain('secret-detail');
  });

  it('a custom fetch handler that throws becomes a bare 500, and publicOrigin shapes the URL', async () => {
    const throwing = await start({
      handler: async () => {
        throw new Error('boom-detail');
      },
    });
    const response = await fetch(throwing.url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('boom-detail');

    const handler = createA2AHandler({ path: '/hook/abc', onMessage: () => 'via handler' });
    const server = await start({ handler, publicOrigin: 'http://localhost:{port}/' });
    expect(server.url).toBe(`http://localhost:${server.port}/hook/abc`);
    const routed = await postJson(`http://127.0.0.1:${server.port}/hook/abc`, rpc('x'));
    expect(((await routed.json()) as { result: { parts: { text: string }[] } }).result.parts[0]!.text).toBe(
      'via handler',
    );
  });

  it('handles requests concurrently: five handlers are inside at the same time', async () => {
    const arrived: string[] = [];
    const { promise: allIn, resolve: allArrived } = Promise.withResolvers<void>();
    const server = await start({
      onMessage: async (message) => {
        arrived.push(message.text);
        if (arrived.length === 5) allArrived();
        await allIn;
        return `done ${message.text}`;
      },
    });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        postJson(server.url, rpc(String(i), i)).then(
          (r) => r.json() as Promise<{ result: { parts: { text: string }[] } }>,
        ),
      ),
    );
    expect(results.map((r) => r.result.parts[0]!.text).sort()).toEqual([
      'done 1',
      'done 2',
      'done 3',
      'done 4',
      'done 5',
    ]);
  });

  it('413 over the body cap, declared or streamed', async () => {
    const server = await start({ onMessage: () => 'x', maxBodyBytes: 1_000 });
    const big = JSON.stringify(rpc('y'.repeat(5_000)));
    expect((await fetch(server.url, { method: 'POST', body: big })).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('z'.repeat(100)));
        controller.close();
      },
    });
    const chunked = await fetch(server.url, { method: 'POST', body: stream });
    expect(chunked.status).toBe(413);
    // Just under the cap passes.
    const fits = JSON.stringify(rpc('q'.repeat(800)));
    expect((await fetch(server.url, { method: 'POST', body: fits })).status).toBe(200);
  });

  it('503 with Retry-After when maxConcurrent handlers are busy', async () => {
    const release = Promise.withResolvers<void>();
    const entered = Promise.withResolvers<void>();
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
    expect(server.inFlight).toBe(1);
    const second = await postJson(server.url, rpc('2'));
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    release.resolve();
    expect((await first).status).toBe(200);
    expect((await postJson(server.url, rpc('3'))).status).toBe(200);
  });

  it('a client dribbling its body past requestTimeoutMs gets 408 and the handler never runs', async () => {
    let calls = 0;
    const server = await start({
      onMessage: () => {
        calls++;
        return 'x';
      },
      requestTimeoutMs: 300,
    });
    let timer: ReturnType<typeof setInterval> | undefined;
    const received = await rawExchange(server.port, (socket) => {
      socket.write(`POST ${server.path} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{`);
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write(' ');
      }, 20);
    });
    clearInterval(timer);
    expect(received.startsWith('HTTP/1.1 408')).toBe(true);
    expect(received).not.toContain('"result"');
    expect(calls).toBe(0);
  });

  it('stop drains: an in-flight handler finishes and answers before stop resolves; new connections are refused', async () => {
    const release = Promise.withResolvers<void>();
    const entered = Promise.withResolvers<void>();
    const server = await startPushServer({
      onMessage: async () => {
        entered.resolve();
        await release.promise;
        return 'finished';
      },
    });
    const inFlight = postJson(server.url, rpc('x'));
    await entered.promise;
    let stopped = false;
    const stopping = server.stop().then(() => {
      stopped = true;
    });
    await Bun.sleep(50);
    expect(stopped).toBe(false);
    await expect(postJson(server.url, rpc('late'))).rejects.toThrow();
    release.resolve();
    const response = await inFlight;
    expect(((await response.json()) as { result: { parts: { text: string }[] } }).result.parts[0]!.text).toBe(
      'finished',
    );
    await stopping;
    expect(stopped).toBe(true);
    // Idempotent.
    await server.stop();
  });

  it('stop gives up on a stuck handler after timeoutMs and closes everything', async () => {
    const entered = Promise.withResolvers<void>();
    const server = await startPushServer({
      onMessage: async () => {
        entered.resolve();
        await new Promise(() => {});
      },
    });
    const stuck = postJson(server.url, rpc('x')).then(
      (r) => r.status,
      () => 'cut',
    );
    await entered.promise;
    await server.stop({ timeoutMs: 100 });
    expect(await stuck).toBe('cut');
    await expect(postJson(server.url, rpc('late'))).rejects.toThrow();
  });

  it('refuses bad options with ConfigError', async () => {
    await expect(startPushServer({})).rejects.toBeInstanceOf(ConfigError);
    await expect(
      startPushServer({ onMessage: () => 'x', handler: async () => new Response() }),
    ).rejects.toBeInstanceOf(ConfigError);
    await expect(startPushServer({ onMessage: () => 'x', maxConcurrent: 0 })).rejects.toBeInstanceOf(
      ConfigError,
    );
    await expect(startPushServer({ onMessage: () => 'x', idleTimeoutSeconds: 300 })).rejects.toBeInstanceOf(
      ConfigError,
    );
    const taken = await start({ onMessage: () => 'x' });
    await expect(startPushServer({ onMessage: () => 'x', port: taken.port })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});
