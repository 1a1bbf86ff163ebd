// Compressed answers against the 10 MiB response cap. fetch inflates gzip and br on the fly, so a
// declared Content-Length counts compressed bytes: a small answer from a hostile platform or peer
// may decode to gigabytes. Every path (platform answers, error bodies, peer answers, error bodies of
// a download) must count the decoded bytes, stop reading at the cap and fail with an error naming it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { brotliCompressSync, constants, createGzip, gzipSync } from 'node:zlib';
import { type AgentClient, callPeer, createAgentClient, InvalidResponseError } from '@molecule-ai/agent-core';
import { downloadPlugin } from '@molecule-ai/agent-core/plugins';
import { createMemoryTokenStore } from '@molecule-ai/agent-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, rejectionOf, startSim } from './helpers.js';

const MiB = 1024 * 1024;
const WORKSPACE = '6f1c1c4e-1d0b-4c35-9a56-2f1e0f7f3a11';

/** A JSON object padded with `decodedBytes` of spaces: valid JSON, tiny once compressed. */
function paddedJson(value: Record<string, unknown>, decodedBytes: number): Buffer {
  const json = JSON.stringify(value);
  return Buffer.concat([Buffer.from(json.slice(0, -1)), Buffer.alloc(decodedBytes, 0x20), Buffer.from('}')]);
}

const STATE = { workspace_id: WORKSPACE, status: 'online', paused: false, deleted: false };
const GZIP_BOMB = gzipSync(paddedJson(STATE, 20 * MiB), { level: 9 });
const BR_BOMB = brotliCompressSync(paddedJson(STATE, 20 * MiB), {
  params: { [constants.BROTLI_PARAM_QUALITY]: 5 },
});

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Hostile {
  url: string;
  server: Server;
  close(): Promise<void>;
}

async function startHostile(handler: Handler): Promise<Hostile> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // localhost: the simulator refuses a registered URL with a bare IP as an invalid body.
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendCompressed(res: ServerResponse, status: number, encoding: 'gzip' | 'br', body: Buffer): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-encoding': encoding,
    'content-length': String(body.byteLength),
  });
  res.end(body);
}

function clientFor(url: string): AgentClient {
  return createAgentClient({
    workspaceId: WORKSPACE,
    platformUrl: url,
    tokenStore: createMemoryTokenStore({ [WORKSPACE]: 'ws-token-for-the-hostile-platform' }),
    retry: 'none',
  });
}

function expectCapError(error: unknown, cap: string): void {
  expect(error).toBeInstanceOf(InvalidResponseError);
  expect((error as Error).message).toContain(`cap of ${cap}`);
  expect((error as Error).message).toContain('after decompression');
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.reverse()) await close();
  cleanup = [];
});

describe('decoded-byte caps against compressed answers', { timeout: 60_000 }, () => {
  it('the compressed bodies are small and honest about their compressed length', () => {
    expect(GZIP_BOMB.byteLength).toBeLessThan(64 * 1024);
    expect(BR_BOMB.byteLength).toBeLessThan(64 * 1024);
  });

  it.each([
    ['gzip', GZIP_BOMB],
    ['br', BR_BOMB],
  ] as const)(
    'a 200 platform answer in %s that inflates past 10 MiB fails naming the cap',
    async (encoding, bomb) => {
      const hostile = await startHostile((_req, res) => sendCompressed(res, 200, encoding, bomb));
      cleanup.push(hostile.close);
      expectCapError(await rejectionOf(clientFor(hostile.url).pollState()), '10 MiB');
    },
  );

  it('an error body in gzip that inflates past 10 MiB fails naming the cap (not an ApiError carrying it)', async () => {
    const hostile = await startHostile((_req, res) => sendCompressed(res, 500, 'gzip', GZIP_BOMB));
    cleanup.push(hostile.close);
    expectCapError(await rejectionOf(clientFor(hostile.url).heartbeat()), '10 MiB');
  });

  it('the error body of a plugin download is capped at 64 KiB of decoded bytes', async () => {
    const bomb = gzipSync(paddedJson({ error: 'nope' }, 4 * MiB), { level: 9 });
    const hostile = await startHostile((_req, res) => sendCompressed(res, 500, 'gzip', bomb));
    cleanup.push(hostile.close);
    expectCapError(await rejectionOf(downloadPlugin(clientFor(hostile.url), 'demo')), '64 KiB');
  });

  it('a peer answering its direct call with a br bomb fails naming the cap', async () => {
    const peer = await startHostile((req, res) => {
      req.resume();
      req.on('end', () => sendCompressed(res, 200, 'br', BR_BOMB));
    });
    cleanup.push(peer.close);
    const harness = await startSim({ devMode: true });
    cleanup.push(harness.close);
    const caller = await createAgent(harness, { retry: 'none' });
    const target = await createAgent(harness, { reportedUrl: peer.url });
    const error = await rejectionOf(callPeer(caller.client, target.id, 'ping'));
    expectCapError(error, '10 MiB');
  });

  it('an endless gzip stream is read only up to the cap: the client stops reading and hangs up', async () => {
    // 4 GiB of spaces, compressed on the fly with backpressure: the server only gets far if the
    // client keeps reading. A reader that stops at the cap lets the server fill the transport's
    // buffers (a few MiB compressed, a few hundred MiB of spaces) and no more.
    const decodedTotal = 4096 * MiB;
    let fed = 0;
    let finished = false;
    let closed = false;
    const hostile = await startHostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      const zeros = Buffer.alloc(MiB, 0x20);
      const source = new Readable({
        read() {
          if (fed === 0) this.push(Buffer.from('{"status":"online",'));
          if (fed >= decodedTotal) this.push(null);
          else {
            fed += zeros.byteLength;
            this.push(zeros);
          }
        },
      });
      const gzip = createGzip({ level: 1 });
      source.pipe(gzip).pipe(res);
      res.on('finish', () => {
        finished = true;
      });
      res.on('close', () => {
        closed = true;
        source.destroy();
        gzip.destroy();
      });
    });
    cleanup.push(hostile.close);
    expectCapError(await rejectionOf(clientFor(hostile.url).pollState()), '10 MiB');
    for (let i = 0; i < 400 && !closed; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(closed).toBe(true);
    expect(finished).toBe(false);
    // What the server produced is bounded by the client's cap plus transport buffers, not the stream.
    expect(fed).toBeLessThan(1024 * MiB);
  });
});
