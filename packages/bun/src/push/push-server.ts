import { ConfigError } from '@molecule-ai/agent-core';
import { DEFAULT_MAX_PUSH_BODY_BYTES } from '@molecule-ai/agent-core/a2a';
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
import { createStderrLogger } from '@molecule-ai/agent-node';
import { requireBun } from '../require-bun.js';
import { withBodyDeadline } from './body-deadline.js';

export type { FetchHandler, PushServer } from '@molecule-ai/agent-core/inbound';

/** Options of {@link startPushServer} (Bun). Give either `handler` or `onMessage`. */
export interface PushServerOptions extends PushServerBaseOptions {
  /**
   * With `onMessage`: bodies over this get a JSON-RPC 413 from the core handler (default 1 MiB).
   * Bun itself refuses bodies over twice this (or 128 MiB with a custom `handler`) as a backstop.
   */
  maxBodyBytes?: number;
  /**
   * Seconds a connection may stay silent (slow headers or body, idle keep-alive) before Bun
   * closes it; Bun's slowloris guard. Whole seconds from 1 to 255. Default 10.
   */
  idleTimeoutSeconds?: number;
  /**
   * Milliseconds allowed to receive a request body once its headers arrived; a client still
   * sending after this gets 408 and is disconnected. Default 30 s. (Bun.serve has no timeout for
   * slow headers: a silent half-sent header block is closed after about 10 s by Bun, but one that
   * keeps dribbling is not; bind to 127.0.0.1, the default, or put a proxy in front.)
   */
  requestTimeoutMs?: number;
}

const MAX_BUN_BODY_BYTES = 128 * 1024 * 1024;

function reject(status: number, error: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/**
 * Serves an A2A push endpoint with `Bun.serve` around the core's fetch handler: bound to
 * 127.0.0.1 by default, a concurrency limit (503 + `Retry-After` when full), Bun's idle timeout
 * against slow clients, and a graceful stop that lets in-flight handlers finish. Resolves once
 * listening, with the URL to register. Same result type as the Node package's `startPushServer`,
 * so an agent moves between the two by changing its import.
 *
 * @example
 * const push = await startPushServer({ onMessage: (message) => `echo: ${message.text}` });
 * // register with reportedUrl: push.url (or a publicOrigin the platform can reach)
 * await push.stop();
 */
export async function startPushServer(options: PushServerOptions): Promise<PushServer> {
  requireBun('startPushServer');
  const handler = pushServerHandler(options);
  const maxConcurrent = pushServerMaxConcurrent(options);
  const idleTimeout = options.idleTimeoutSeconds ?? 10;
  if (!Number.isInteger(idleTimeout) || idleTimeout < 1 || idleTimeout > 255) {
    throw new ConfigError('idleTimeoutSeconds must be a whole number from 1 to 255');
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  if (!(requestTimeoutMs > 0)) throw new ConfigError('requestTimeoutMs must be positive');
  const logger = options.logger ?? createStderrLogger();
  const host = options.host ?? PUSH_SERVER_DEFAULTS.host;
  const maxRequestBodySize = options.handler
    ? MAX_BUN_BODY_BYTES
    : Math.min(MAX_BUN_BODY_BYTES, 2 * (options.maxBodyBytes ?? DEFAULT_MAX_PUSH_BODY_BYTES));

  const gate = createPushRequestGate(maxConcurrent);

  async function serve(request: Request): Promise<Response> {
    const refusal = gate.admit();
    if (refusal) return reject(503, refusal, { 'retry-after': '1' });
    const guarded = withBodyDeadline(request, requestTimeoutMs);
    try {
      return await handler(guarded.request);
    } catch (error) {
      if (guarded.expired()) return reject(408, 'request timeout', { connection: 'close' });
      logger.error('push server: handler failed', { error });
      return reject(500, 'internal error');
    } finally {
      guarded.dispose();
      gate.release();
    }
  }

  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: host,
      port: options.port ?? PUSH_SERVER_DEFAULTS.port,
      idleTimeout,
      maxRequestBodySize,
      // Never Bun's error page with stack traces. development:false alone also turns on
      // SO_REUSEPORT (measured on 1.4.5: a second server could bind the same port), so say no.
      development: false,
      reusePort: false,
      fetch: serve,
      error(error) {
        logger.error('push server: request failed', { error });
        return reject(500, 'internal error');
      },
    });
  } catch (error) {
    throw pushServerListenError(host, options.port, error);
  }
  const port = server.port ?? 0;
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
        // Stop listening; idle keep-alive connections close now, busy ones after their response.
        const closed = server.stop(false);
        await drain(stopOptions?.timeoutMs ?? 30_000);
        await Promise.race([closed, server.stop(true)]);
      });
    },
  };
}
