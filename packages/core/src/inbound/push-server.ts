import { ConfigError } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import { createA2AHandler, type PushHandlerContext } from './a2a-handler.js';
import type { MessageHandler } from './message-handler.js';

/** A standard fetch handler, optionally carrying the path it serves (as `createA2AHandler` does). */
export type FetchHandler = ((request: Request) => Promise<Response>) & { readonly path?: string };

/**
 * The options every runtime's push server takes (Node's and Bun's `startPushServer` add their own
 * timeouts). Give either `handler` or `onMessage`.
 */
export interface PushServerBaseOptions {
  /** A fetch handler to serve, e.g. `createA2AHandler(...)` or a push delivery's `handler`. */
  handler?: FetchHandler;
  /** Shortcut: serve `createA2AHandler({ onMessage, path, maxBodyBytes })`. */
  onMessage?: MessageHandler<PushHandlerContext>;
  /** With `onMessage`: the path (default: a fresh capability path `/a2a/<32 random chars>`). */
  path?: string | undefined;
  /** With `onMessage`: the body cap (default 1 MiB). */
  maxBodyBytes?: number | undefined;
  /** Interface to bind. Default `127.0.0.1`: nothing outside this machine can reach it unless you say so. */
  host?: string;
  /** Port to bind; `0` (default) picks a free one. */
  port?: number;
  /** Requests handled at once; more get 503 with `Retry-After: 1`. Default 64. */
  maxConcurrent?: number;
  /**
   * The origin the platform should use, when it differs from the bound address (a tunnel, a
   * reverse proxy, or `http://localhost:<port>`; the platform rejects `127.0.0.1` literals at
   * register). `{port}` is replaced by the bound port. Default `http://<host>:<port>`, or
   * `http://localhost:<port>` when `host` is a loopback address.
   */
  publicOrigin?: string;
  logger?: Logger | undefined;
}

/** A running push server (the same shape on every runtime). */
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
   * Stops taking new requests (they get 503 or a refused connection), lets in-flight requests
   * finish, then closes everything. After `timeoutMs` (default 30 s) the remaining connections
   * are cut. Idempotent.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/** The defaults of {@link PushServerBaseOptions} every runtime shares. */
export const PUSH_SERVER_DEFAULTS: {
  readonly host: string;
  readonly port: number;
  readonly maxConcurrent: number;
} = {
  host: '127.0.0.1',
  port: 0,
  maxConcurrent: 64,
};

/**
 * The fetch handler a push server serves: `options.handler`, or the core A2A handler built from
 * `onMessage`. Refuses options giving both or neither.
 */
export function pushServerHandler(options: PushServerBaseOptions): FetchHandler {
  if (!options.handler === !options.onMessage) {
    throw new ConfigError('startPushServer needs exactly one of `handler` or `onMessage`');
  }
  return (
    options.handler ??
    createA2AHandler({
      onMessage: options.onMessage!,
      path: options.path,
      maxBodyBytes: options.maxBodyBytes,
      logger: options.logger,
    })
  );
}

/**
 * `maxConcurrent` with its default, refused unless a positive integer (so a typo cannot turn the
 * limit off).
 */
export function pushServerMaxConcurrent(options: PushServerBaseOptions): number {
  const maxConcurrent = options.maxConcurrent ?? PUSH_SERVER_DEFAULTS.maxConcurrent;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new ConfigError('maxConcurrent must be a positive integer');
  }
  return maxConcurrent;
}

/** True for an address only this machine can reach: `localhost`, 127.0.0.0/8 or `::1`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    bare === 'localhost' ||
    bare === '::1' ||
    /^(?:0{0,4}:){1,7}0{0,3}1$/.test(bare) ||
    /^(?:::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare)
  );
}

/**
 * The error for a push server that could not bind `host:port` (taken, not an address of this
 * machine, not allowed): a `ConfigError`, since the options decide where it listens.
 */
export function pushServerListenError(host: string, port: number | undefined, cause: unknown): ConfigError {
  return new ConfigError(`cannot listen on ${host}:${port ?? PUSH_SERVER_DEFAULTS.port}`, { cause });
}

/**
 * The URL to register for a push server bound to `host:port` serving `path`: `publicOrigin` (with
 * `{port}` replaced, trailing slashes dropped), else `http://localhost:<port>` for a loopback
 * host (the platform refuses 127.x and ::1 literals at register but accepts the name
 * `localhost`), else `http://<host>:<port>` (IPv6 hosts bracketed).
 */
export function pushServerUrl(host: string, port: number, path: string, publicOrigin?: string): string {
  const bound = isLoopbackHost(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const origin = (publicOrigin ?? `http://${bound}:{port}`)
    .replace('{port}', String(port))
    .replace(/\/+$/, '');
  return origin + (path === '/' ? '/' : path);
}
