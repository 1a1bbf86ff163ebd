import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { messageSendRequest as rpc, testPushServer } from '@molecule-ai/agent-core/testing';
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

// What every runtime's push server does (binding, routing, JSON-RPC errors, body cap,
// concurrency, draining stop) is the core's contract; this file adds what node:http decides.
describe('startPushServer (node:http)', () => {
  testPushServer({ describe, it }, { start: startPushServer });
});

describe('startPushServer: keep-alive connections and slow clients on node:http', () => {
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
});
