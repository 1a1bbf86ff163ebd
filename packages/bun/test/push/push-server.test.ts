import { afterEach, describe, expect, it } from 'bun:test';
import { connect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ConfigError } from '@molecule-ai/agent-core';
import { messageSendRequest as rpc, testPushServer } from '@molecule-ai/agent-core/testing';
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

// What every runtime's push server does (binding, routing, JSON-RPC errors, body cap,
// concurrency, draining stop) is the core's contract; this file adds what Bun.serve decides.
describe('startPushServer (Bun.serve)', () => {
  testPushServer({ describe, it }, { start: startPushServer });
});

describe('startPushServer: loopback, slow clients and options on Bun.serve', () => {
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

  it('refuses Bun-only options out of range with ConfigError', async () => {
    await expect(startPushServer({ onMessage: () => 'x', idleTimeoutSeconds: 300 })).rejects.toBeInstanceOf(
      ConfigError,
    );
    await expect(startPushServer({ onMessage: () => 'x', requestTimeoutMs: 0 })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});
