/**
 * A small `node:http` listener around a simulator's fetch handler, passing the TCP peer address
 * to it (the rate-limit key). A handler rejection (an injected `reset`) destroys the socket, and
 * a body stream error cuts the connection mid-body, so clients see real network failures.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FetchInfo } from '../sim.js';

/** Anything with a fetch handler (a `PlatformSim`, or your own). */
export interface FetchHandlerLike {
  fetch(request: Request, info?: FetchInfo): Promise<Response>;
}

/** Listener options. */
export interface PlatformServerOptions {
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
}

/** A running listener. */
export interface PlatformServer {
  /** `http://<host>:<port>` (IPv6 hosts in brackets). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The underlying Node server. */
  readonly server: Server;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

function peerIp(req: IncomingMessage): string {
  const addr = req.socket.remoteAddress ?? 'unknown';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toRequest(req: IncomingMessage, body: Buffer, fallbackHost: string): Request {
  const host = req.headers.host ?? fallbackHost;
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (name.startsWith(':')) continue;
    headers.append(name, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? 'GET';
  const init: RequestInit = { method, headers };
  if (method !== 'GET' && method !== 'HEAD') init.body = new Uint8Array(body);
  return new Request(`http://${host}${req.url ?? '/'}`, init);
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      // Wait for each chunk to be flushed so a later failure cannot swallow bytes already sent.
      await new Promise<void>((resolve, reject) => res.write(value, (e) => (e ? reject(e) : resolve())));
    }
    res.end();
  } catch {
    res.destroy(); // the body failed mid-way: cut the connection, like a dropped socket
  }
}

/** Starts a listener for the simulator (or any fetch handler). */
export function startPlatformServer(
  sim: FetchHandlerLike,
  options: PlatformServerOptions = {},
): Promise<PlatformServer> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  let fallbackHost = host;
  const server = createServer((req, res) => {
    void (async () => {
      let response: Response;
      try {
        const body = await readBody(req);
        response = await sim.fetch(toRequest(req, body, fallbackHost), { ip: peerIp(req) });
      } catch {
        req.socket.destroy(); // an injected connection reset
        return;
      }
      await writeResponse(res, response);
    })();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      fallbackHost = `${shownHost}:${port}`;
      resolve({
        url: `http://${shownHost}:${port}`,
        port,
        host,
        server,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
