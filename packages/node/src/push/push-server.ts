import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConfigError,
  createA2AHandler,
  type Logger,
  type MessageHandler,
  type PushHandlerContext,
  silentLogger,
} from '@molecule-ai/agent-core';
import { toWebRequest, writeWebResponse } from './node-request.js';

/** A standard fetch handler, optionally carrying the path it serves (as `createA2AHandler` does). */
export type FetchHandler = ((request: Request) => Promise<Response>) & { readonly path?: string };

/** Options of {@link startPushServer}. Give either `handler` or `onMessage`. */
export interface PushServerOptions {
  /** A fetch handler to serve, e.g. `createA2AHandler(...)` or a push delivery's `handler`. */
  handler?: FetchHandler;
  /** Shortcut: serve `createA2AHandler({ onMessage, path, maxBodyBytes })`. */
  onMessage?: MessageHandler<PushHandlerContext>;
  /** With `onMessage`: the path (default: a fresh capability path `/a2a/<32 random chars>`). */
  path?: string;
  /** With `onMessage`: the body cap (default 1 MiB). */
  maxBodyBytes?: number;
  /** Interface to bind. Default `127.0.0.1`: nothing outside this machine can reach it unless you say so. */
  host?: string;
  /** Port to bind; `0` (default) picks a free one. */
  port?: number;
  /** Requests handled at once; more get 503 with `Retry-After: 1`. Default 64. */
  maxConcurrent?: number;
  /** Time allowed to send the request headers (slowloris guard). Default 10 s. */
  headersTimeoutMs?: number;
  /** Time allowed to send the whole request, headers and body. Default 30 s. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. Default 5 s. */
  keepAliveTimeoutMs?: number;
  /**
   * The origin the platform should use, when it differs from the bound address (a tunnel, a
   * reverse proxy, or `http://localhost:<port>`; the platform rejects `127.0.0.1` literals at
   * register). `{port}` is replaced by the bound port. Default `http://<host>:<port>`.
   */
  publicOrigin?: string;
  logger?: Logger;
}

/** A running push server. */
export interface PushServer {
  /** The URL to register with the platform: the public origin plus the handler's path. */
  readonly url: string;
  /** The path served (the capability path by default). */
  readonly path: string;
  readonly host: string;
  readonly port: number;
  /** Requests being handled right now. */
  readonly inFlight: number;
  /**
   * Stops accepting connections, lets in-flight requests finish (new requests on open
   * connections get 503), then closes everything. After `timeoutMs` (default 30 s) the remaining
   * connections are cut. Idempotent.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

function rejectRequest(
  res: ServerResponse,
  status: number,
  error: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ error });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
    ...headers,
  });
  res.end(body);
}

/**
 * Serves an A2A push endpoint with `node:http`: bound to 127.0.0.1 by default, keep-alive
 * connections that never block each other, a concurrency limit (503 + `Retry-After` when full),
 * header and body timeouts against slow clients, and a graceful stop that finishes in-flight
 * handlers. Resolves once listening, with the URL to register.
 */
export async function startPushServer(options: PushServerOptions): Promise<PushServer> {
  if (!options.handler === !options.onMessage) {
    throw new ConfigError('startPushServer needs exactly one of `handler` or `onMessage`');
  }
  const handler: FetchHandler =
    options.handler ??
    createA2AHandler({
      onMessage: options.onMessage!,
      ...(options.path === undefined ? {} : { path: options.path }),
      ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
  const host = options.host ?? '127.0.0.1';
  const maxConcurrent = options.maxConcurrent ?? 64;
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const requestTimeout = Math.max(options.requestTimeoutMs ?? 30_000, headersTimeout);
  const logger = options.logger ?? silentLogger;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new ConfigError('maxConcurrent must be a positive integer');
  }

  let inFlight = 0;
  let stopping: Promise<void> | null = null;
  let drained: (() => void) | null = null;

  const server = createServer(
    {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
      // Node checks the two timeouts above only this often (default 30 s).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 2))),
    },
    (req: IncomingMessage, res: ServerResponse) => {
      if (stopping) return rejectRequest(res, 503, 'shutting down', { 'retry-after': '1' });
      if (inFlight >= maxConcurrent) return rejectRequest(res, 503, 'busy', { 'retry-after': '1' });
      inFlight++;
      void serve(req, res).finally(() => {
        inFlight--;
        if (inFlight === 0) drained?.();
      });
    },
  );

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    try {
      let request: Request;
      try {
        request = toWebRequest(req, abort.signal);
      } catch {
        return rejectRequest(res, 400, 'bad request');
      }
      const response = await handler(request);
      if (!res.destroyed) await writeWebResponse(req, res, response);
    } catch (error) {
      logger.error('push server: handler failed', { error });
      if (!res.headersSent && !res.destroyed) rejectRequest(res, 500, 'internal error');
      else res.destroy();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const path = handler.path ?? '/';
  const origin = (options.publicOrigin ?? `http://${host.includes(':') ? `[${host}]` : host}:{port}`)
    .replace('{port}', String(port))
    .replace(/\/+$/, '');
  const url = origin + (path === '/' ? '/' : path);

  return {
    url,
    path,
    host,
    port,
    get inFlight() {
      return inFlight;
    },
    stop(stopOptions) {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          const timeoutMs = stopOptions?.timeoutMs ?? 30_000;
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            new Promise<void>((resolve) => {
              drained = resolve;
            }),
            new Promise<void>((resolve) => {
              timer = setTimeout(resolve, timeoutMs);
            }),
          ]);
          clearTimeout(timer);
        }
        server.closeAllConnections();
        await closed;
      })();
      return stopping;
    },
  };
}
