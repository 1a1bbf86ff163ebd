/** The JSON-RPC 2.0 error codes the A2A endpoint answers with. */
export const JSON_RPC_ERROR = {
  /** The body is not JSON (or not UTF-8). */
  parseError: -32700,
  /** JSON, but not a JSON-RPC request object. */
  invalidRequest: -32600,
  /** A method other than `message/send`. */
  methodNotFound: -32601,
  /** `message/send` without a usable `params.message`. */
  invalidParams: -32602,
  /** The handler threw. The exception text is never sent. */
  internalError: -32603,
} as const;

/** A JSON-RPC request id. */
export type JsonRpcId = string | number | null;

/** A JSON-RPC 2.0 error response. */
export interface JsonRpcErrorResponse {
  jsonrpc: '2.0';
  id: JsonRpcId;
  error: { code: number; message: string };
}

/** A JSON-RPC 2.0 success response. */
export interface JsonRpcSuccessResponse<T> {
  jsonrpc: '2.0';
  id: JsonRpcId;
  result: T;
}

/** Builds an error response. `message` must be a fixed text, never an exception's. */
export function jsonRpcError(id: JsonRpcId, code: number, message: string): JsonRpcErrorResponse {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/** Builds a success response. */
export function jsonRpcResult<T>(id: JsonRpcId, result: T): JsonRpcSuccessResponse<T> {
  return { jsonrpc: '2.0', id, result };
}

/** The request's id when it is a valid JSON-RPC id, else `null` (what error responses must echo). */
export function requestIdOf(value: unknown): JsonRpcId {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}
