/**
 * One error hierarchy for the whole SDK. Every error keeps its `cause`, none ever carries a
 * token, a request header or a URL with credentials, and `toJSON()` is safe to log.
 */

const BRAND = Symbol.for('@molecule-ai/agent-core/error');

export interface MoleculeErrorOptions {
  cause?: unknown;
}

export class MoleculeError extends Error {
  /** A stable machine-readable code, e.g. `api_error` or `unsafe_archive`. */
  readonly code: string = 'molecule_error';

  constructor(message: string, options?: MoleculeErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** A plain summary: name, code, message and the class's own public fields. Never headers or tokens. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (key === 'cause' || key === 'code' || typeof value === 'function') continue;
      out[key] = value;
    }
    return out;
  }
}

/** True for any error of this SDK, even across duplicated installs of the package. */
export function isMoleculeError(error: unknown): error is MoleculeError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Copies the named fields (space-separated) from a constructor's init object onto the error, in
 * that order, `undefined` included: one loop instead of an assignment per field in every class.
 */
function setFields(error: object, init: object | undefined, names: string): void {
  for (const name of names.split(' ')) {
    (error as Record<string, unknown>)[name] = (init as Record<string, unknown> | undefined)?.[name];
  }
}

/** Invalid options or environment, detected before any I/O. */
export class ConfigError extends MoleculeError {
  override readonly code: string = 'config_error';
}

export interface ApiErrorInit {
  status: number;
  method: string;
  /** The request path without query string. */
  path: string;
  /** The parsed JSON body, or the text body cut to 500 characters, or `undefined` when empty. */
  body?: unknown;
  cause?: unknown;
}

/** The platform answered with a non-2xx status. */
export class ApiError extends MoleculeError {
  override readonly code: string = 'api_error';
  declare readonly status: number;
  declare readonly method: string;
  declare readonly path: string;
  declare readonly body: unknown;

  constructor(message: string, init: ApiErrorInit) {
    super(message, init);
    setFields(this, init, 'status method path body');
  }

  /** The `error` text of a `{"error": "..."}` body, if there is one. */
  get serverMessage(): string | undefined {
    const body = this.body as { error?: unknown } | undefined;
    return typeof body?.error === 'string' ? body.error : undefined;
  }
}

export class BadRequestError extends ApiError {
  override readonly code: string = 'bad_request';
}
export class AuthenticationError extends ApiError {
  override readonly code: string = 'authentication_error';
}
export class PermissionDeniedError extends ApiError {
  override readonly code: string = 'permission_denied';
}
export class NotFoundError extends ApiError {
  override readonly code: string = 'not_found';
}
export class ConflictError extends ApiError {
  override readonly code: string = 'conflict';
}
/** 410 from the activity feed: the cursor is older than what the server keeps. Reset it and re-read. */
export class CursorLostError extends ApiError {
  override readonly code: string = 'cursor_lost';
}
export class PayloadTooLargeError extends ApiError {
  override readonly code: string = 'payload_too_large';
}
export class UnprocessableEntityError extends ApiError {
  override readonly code: string = 'unprocessable_entity';
}
export class RateLimitError extends ApiError {
  override readonly code: string = 'rate_limited';
  /** How long the server asked us to wait, when it said so sensibly; at most one hour. */
  declare readonly retryAfterMs: number | undefined;
  /** The raw `Retry-After-Ms` or `Retry-After` header, as sent (uncapped, cut to 100 characters). */
  declare readonly retryAfter: string | undefined;
  constructor(
    message: string,
    init: ApiErrorInit & { retryAfterMs?: number | undefined; retryAfter?: string | undefined },
  ) {
    super(message, init);
    setFields(this, init, 'retryAfterMs retryAfter');
  }
}
export class ServerError extends ApiError {
  override readonly code: string = 'server_error';
}

/** The request never produced a response: DNS, refused or reset connection, TLS. */
export class ConnectionError extends MoleculeError {
  override readonly code: string = 'connection_error';
  declare readonly method: string | undefined;
  declare readonly path: string | undefined;
  constructor(message: string, init?: { method?: string; path?: string; cause?: unknown }) {
    super(message, init);
    setFields(this, init, 'method path');
  }
}

/** An attempt ran out of time (the per-attempt timeout, not the caller's signal). */
export class TimeoutError extends ConnectionError {
  override readonly code: string = 'timeout';
}

/** The caller's AbortSignal fired. Never retried. */
export class AbortError extends MoleculeError {
  override readonly code: string = 'aborted';
}

/** A response (or an inbound message) did not have the shape the contract promises. */
export class InvalidResponseError extends MoleculeError {
  override readonly code: string = 'invalid_response';
  /** Where the bad value came from, e.g. `GET /workspaces/:id/state`. */
  declare readonly source: string;
  /** Human-readable validation issues, e.g. `status: expected string`. */
  declare readonly issues: string[];
  constructor(message: string, init: { source: string; issues?: string[]; cause?: unknown }) {
    super(message, init);
    setFields(this, { ...init, issues: init.issues ?? [] }, 'source issues');
  }
}

/** The token is gone: not cached, and the platform will not show it again. Says how to recover. */
export class TokenLostError extends MoleculeError {
  override readonly code: string = 'token_lost';
  declare readonly workspaceId: string;
  constructor(message: string, init: { workspaceId: string; cause?: unknown }) {
    super(message, init);
    setFields(this, init, 'workspaceId');
  }
}

/** A plugin archive broke the safety policy: a path, a type, a mode or a limit. */
export class UnsafeArchiveError extends MoleculeError {
  override readonly code: string = 'unsafe_archive';
  /** The offending entry name, when one entry is to blame. */
  declare readonly entry: string | undefined;
  /** The rule that was broken, e.g. `path-traversal`, `symlink`, `max-bytes`. */
  declare readonly rule: string;
  constructor(message: string, init: { rule: string; entry?: string | undefined; cause?: unknown }) {
    super(message, init);
    setFields(this, init, 'rule entry');
  }
}

/** A plugin's content does not match the hash it was expected to have. */
export class IntegrityError extends MoleculeError {
  override readonly code: string = 'integrity_error';
  declare readonly expected: string;
  declare readonly actual: string;
  constructor(message: string, init: { expected: string; actual: string; cause?: unknown }) {
    super(message, init);
    setFields(this, init, 'expected actual');
  }
}

/** The host cannot do this at all (e.g. plugin install inside a Worker). */
export class UnsupportedError extends MoleculeError {
  override readonly code: string = 'unsupported';
}

/** Where a peer call went: straight to the peer's URL, or through the platform's A2A proxy. */
export type PeerRoute = 'direct' | 'proxy';

/**
 * A peer could not be reached. `maybeDelivered` says whether the message may still have arrived
 * (a connection that broke after sending), in which case the SDK does not send it a second time.
 */
export class PeerUnreachableError extends MoleculeError {
  override readonly code: string = 'peer_unreachable';
  declare readonly targetId: string;
  declare readonly route: PeerRoute;
  /** The proxy's HTTP status when the platform reported the failure (502, 503). */
  declare readonly status: number | undefined;
  declare readonly maybeDelivered: boolean;
  constructor(
    message: string,
    init: { targetId: string; route: PeerRoute; status?: number; maybeDelivered: boolean; cause?: unknown },
  ) {
    super(message, init);
    setFields(this, init, 'targetId route status maybeDelivered');
  }
}

/**
 * The peer received the message and refused it: a JSON-RPC `error` object (`rpcCode`,
 * `rpcMessage`), an `{"error": "..."}` answer (`peerError`, direct or relayed by the proxy), or a
 * non-2xx HTTP answer or redirect from the peer's own URL (`httpStatus`).
 */
export class PeerRejectedError extends MoleculeError {
  override readonly code: string = 'peer_rejected';
  declare readonly targetId: string;
  declare readonly route: PeerRoute;
  declare readonly httpStatus: number | undefined;
  declare readonly rpcCode: number | undefined;
  declare readonly rpcMessage: string | undefined;
  declare readonly rpcData: unknown;
  /** The peer's own words from an `{"error": "..."}` answer (the Python SDK `A2AServer`'s form). */
  declare readonly peerError: string | undefined;
  constructor(
    message: string,
    init: {
      targetId: string;
      route: PeerRoute;
      httpStatus?: number;
      rpcCode?: number;
      rpcMessage?: string;
      rpcData?: unknown;
      peerError?: string;
      cause?: unknown;
    },
  ) {
    super(message, init);
    setFields(this, init, 'targetId route httpStatus rpcCode rpcMessage rpcData peerError');
  }
}

/** The platform's proxy says the peer is busy or waking up; try again after `retryAfterMs`. */
export class PeerBusyError extends ApiError {
  override readonly code: string = 'peer_busy';
  declare readonly targetId: string;
  /** How long to wait, from `Retry-After` or the body's `retry_after`; at most one hour. */
  declare readonly retryAfterMs: number | undefined;
  /** The raw `Retry-After-Ms` or `Retry-After` header, as sent (uncapped), when there was one. */
  declare readonly retryAfter: string | undefined;
  constructor(
    message: string,
    init: ApiErrorInit & {
      targetId: string;
      retryAfterMs?: number | undefined;
      retryAfter?: string | undefined;
    },
  ) {
    super(message, init);
    setFields(this, init, 'targetId retryAfterMs retryAfter');
  }
}
