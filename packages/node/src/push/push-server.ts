import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createPushRequestGate,
  PUSH_SERVER_DEFAULTS,
  type PushServer,
  type PushServerBaseOptions,
  pushServerHandler,
  pushServerListenError,
  pushServerMaxConcurrent,
  pushServerUrl,
} from '@molecule-ai/agent-core/inbound';
import { createStderrLogger } from '../agent/stderr-logger.js';
import { toWebRequest, writeWebResponse } from './node-request.js';

export type { FetchHandler, PushServer } from '@molecule-ai/agent-core/inbound';

/** Options of {@link startPushServer}. Give either `handler` or `onMessage`. */
export interface PushServerOptions extends PushServerBaseOptions {
  /** Time allowed to send the request headers (slowloris guard). Default 10 s. */
  headersTimeoutMs?: number;
  /** Time allowed to send the whole request, headers and body. Default 30 s. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. Default 5 s. */
  keepAliveTimeoutMs?: number;
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
  const handler = pushServerHandler(options);
  const host = options.host ?? PUSH_SERVER_DEFAULTS.host;
  const maxConcurrent = pushServerMaxConcurrent(options);
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const requestTimeout = Math.max(options.requestTimeoutMs ?? 30_000, headersTimeout);
  const logger = options.logger ?? createStderrLogger();

  const gate = createPushRequestGate(maxConcurrent);

  const server = createServer(
    {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
      // Node checks the two timeouts above only this often (default 30 s).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 2))),
    },
    (req: IncomingMessage, res: ServerResponse) => {
      const refusal = gate.admit();
      if (refusal) return rejectRequest(res, 503, refusal, { 'retry-after': '1' });
      void serve(req, res).finally(() => gate.release());
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
    const refused = (error: Error): void => reject(pushServerListenError(host, options.port, error));
    server.once('error', refused);
    server.listen(options.port ?? PUSH_SERVER_DEFAULTS.port, host, () => {
      server.off('error', refused);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const path = handler.path ?? '/';
  const url = pushServerUrl(host, port, path, options.publicOrigin);

  return {
    url,
    path,
    host,
    port,
    get inFlight() {
      return gate.inFlight;
    },
    stop(stopOptions) {
      return gate.stop(async (drain) => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await drain(stopOptions?.timeoutMs ?? 30_000);
        server.closeAllConnections();
        await closed;
      });
    },
  };
}
