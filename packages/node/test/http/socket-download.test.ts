import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { TransportRequest } from '@molecule-ai/agent-core/ports';
import { afterEach, describe, expect, it } from 'vitest';
import { createUndiciTransport } from '../../src/http/undici-transport.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(server: Server, scheme = 'http'): Promise<string> {
  servers.push(server);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}/download`;
}

const serve = (handler: Handler): Promise<string> => listen(createServer(handler));

function streamRequest(url: string, extra: Partial<TransportRequest> = {}): TransportRequest {
  return {
    method: 'GET',
    url,
    headers: { authorization: 'Bearer test-token' },
    body: undefined,
    signal: undefined,
    timeoutMs: 5_000,
    read: 'stream',
    maxBodyBytes: 0,
    ...extra,
  };
}

/** Reads a body with a BYOB reader into one buffer, as the install's gunzip does; returns the bytes and the buffers seen. */
async function readIntoOneBuffer(
  body: ReadableStream<Uint8Array>,
): Promise<{ bytes: Buffer; sizes: Set<number> }> {
  const reader = body.getReader({ mode: 'byob' });
  let buffer = new ArrayBuffer(4096);
  const parts: Buffer[] = [];
  const sizes = new Set<number>();
  for (;;) {
    const { done, value } = await reader.read(new Uint8Array(buffer));
    if (done) break;
    parts.push(Buffer.from(value)); // a copy: the buffer is reused by the next read
    sizes.add(value.buffer.byteLength);
    buffer = value.buffer as ArrayBuffer;
  }
  return { bytes: Buffer.concat(parts), sizes };
}

async function readPlain(body: ReadableStream<Uint8Array>): Promise<Buffer> {
  const reader = body.getReader();
  const parts: Buffer[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(parts);
    parts.push(Buffer.from(value));
  }
}

function pattern(size: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
  return data;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('streamed downloads on a connection of their own (the Node transport, stream mode)', () => {
  it('reads a Content-Length body into the reader’s own buffer, and sends the request as given', async () => {
    const data = pattern(300_000);
    let seen: IncomingMessage['headers'] = {};
    const url = await serve((request, response) => {
      seen = request.headers;
      response.writeHead(200, { 'content-length': String(data.length), 'x-plugin-name': 'demo' });
      response.end(data);
    });
    const answer = await createUndiciTransport().send(streamRequest(`${url}?source=local%3A%2F%2Fdemo`));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('X-Plugin-Name')).toBe('demo');
    expect(answer.headers.get('content-length')).toBe(String(data.length));
    const { bytes, sizes } = await readIntoOneBuffer(answer.body as ReadableStream<Uint8Array>);
    expect(bytes.equals(data)).toBe(true);
    expect([...sizes]).toEqual([4096]); // every read landed in the one 4 KiB buffer
    expect(seen.authorization).toBe('Bearer test-token');
    expect(seen.host).toBe(new URL(url).host);
  });

  it('undoes a chunked transfer coding whose chunks arrive one by one', async () => {
    const pieces = Array.from({ length: 12 }, (_, i) => pattern(1000 + i * 977));
    const url = await serve(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/gzip' }); // no length: chunked
      for (const piece of pieces) {
        response.write(piece);
        await pause(5);
      }
      response.end();
    });
    const transport = createUndiciTransport();
    const viaOwnBuffer = await transport.send(streamRequest(url));
    expect(
      (await readIntoOneBuffer(viaOwnBuffer.body as ReadableStream<Uint8Array>)).bytes.equals(
        Buffer.concat(pieces),
      ),
    ).toBe(true);
    // A default reader gets chunks of its own, which it may keep.
    const viaDefaultReader = await transport.send(streamRequest(url));
    expect(
      (await readPlain(viaDefaultReader.body as ReadableStream<Uint8Array>)).equals(Buffer.concat(pieces)),
    ).toBe(true);
  });

  it('a body cut short of its Content-Length errors the stream instead of ending it', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '100000' });
      response.write(pattern(40_000));
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const answer = await createUndiciTransport().send(streamRequest(url));
    await expect(readPlain(answer.body as ReadableStream<Uint8Array>)).rejects.toMatchObject({
      code: 'ERR_TRUNCATED_RESPONSE',
    });
  });

  it('a chunked body cut off before its last chunk errors the stream', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200);
      response.write(pattern(20_000));
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const answer = await createUndiciTransport().send(streamRequest(url));
    await expect(readIntoOneBuffer(answer.body as ReadableStream<Uint8Array>)).rejects.toMatchObject({
      code: 'ERR_TRUNCATED_RESPONSE',
    });
  });

  it('a stalled body is ended by the caller’s abort, and the connection is closed', async () => {
    let closed = false;
    const url = await serve((request, response) => {
      response.writeHead(200, { 'content-length': '100000' });
      response.write(pattern(1000));
      request.socket.on('close', () => {
        closed = true;
      });
    });
    const controller = new AbortController();
    const answer = await createUndiciTransport().send(streamRequest(url, { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('gave up')), 50);
    await expect(readPlain(answer.body as ReadableStream<Uint8Array>)).rejects.toThrow('gave up');
    for (let i = 0; i < 50 && !closed; i++) await pause(10);
    expect(closed).toBe(true);
  });

  it('answers a redirect as it is, without following it', async () => {
    let requests = 0;
    const url = await serve((_request, response) => {
      requests++;
      response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere', 'content-length': '0' });
      response.end();
    });
    const answer = await createUndiciTransport().send(streamRequest(url));
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe('http://127.0.0.1:1/elsewhere');
    expect((await readPlain(answer.body as ReadableStream<Uint8Array>)).length).toBe(0);
    expect(requests).toBe(1);
  });

  it('skips an interim 100 Continue and answers with the final response', async () => {
    const url = await serve((_request, response) => {
      response.writeContinue();
      response.writeHead(200, { 'content-length': '5' });
      response.end('hello');
    });
    const answer = await createUndiciTransport().send(streamRequest(url));
    expect(answer.status).toBe(200);
    expect((await readPlain(answer.body as ReadableStream<Uint8Array>)).toString()).toBe('hello');
  });

  it('refuses a request header that would start a new header line', async () => {
    const url = await serve((_request, response) => response.end('never'));
    await expect(
      createUndiciTransport().send(streamRequest(url, { headers: { 'x-bad': 'a\r\nx-injected: 1' } })),
    ).rejects.toThrow(TypeError);
  });

  it('a response head that is not HTTP fails the send', async () => {
    const server = createServer();
    server.on('connection', (socket) => {
      socket.end('SSH-2.0-OpenSSH\r\n\r\n');
    });
    const url = await listen(server);
    await expect(createUndiciTransport().send(streamRequest(url))).rejects.toMatchObject({
      code: 'ERR_MALFORMED_RESPONSE',
    });
  });

  it('a gzip content coding is undone on the way', async () => {
    const data = pattern(200_000);
    const url = await serve((_request, response) => {
      const gzipped = gzipSync(data);
      response.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(gzipped.length) });
      response.end(gzipped);
    });
    const answer = await createUndiciTransport().send(streamRequest(url));
    expect((await readPlain(answer.body as ReadableStream<Uint8Array>)).equals(data)).toBe(true);
  });

  describe('over TLS', () => {
    const dirs: string[] = [];
    afterEach(() => {
      delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    });
    const tlsServer = async (handler: Handler): Promise<string> => {
      const dir = mkdtempSync(join(tmpdir(), 'socket-download-tls-'));
      dirs.push(dir);
      const key = join(dir, 'key.pem');
      const cert = join(dir, 'cert.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      return listen(createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, handler), 'https');
    };

    it('verifies the certificate: a self-signed one is refused before anything is sent', async () => {
      let requests = 0;
      const url = await tlsServer((_request, response) => {
        requests++;
        response.end('secret');
      });
      const error = await createUndiciTransport()
        .send(streamRequest(url))
        .then(
          () => null,
          (failure: unknown) => failure,
        );
      expect((error as { code?: string }).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(requests).toBe(0);
    });

    it('downloads over TLS into the reader’s own buffer (verification turned off by the environment)', async () => {
      const data = pattern(250_000);
      const url = await tlsServer((_request, response) => {
        response.writeHead(200, { 'content-length': String(data.length) });
        response.end(data);
      });
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
      const answer = await createUndiciTransport().send(streamRequest(url));
      const { bytes } = await readIntoOneBuffer(answer.body as ReadableStream<Uint8Array>);
      expect(bytes.equals(data)).toBe(true);
    });
  });
});
