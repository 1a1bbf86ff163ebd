import type { JsonRpcFailure, JsonRpcId, JsonRpcSuccess } from '../schemas/a2a.js';

/** The JSON-RPC 2.0 error codes the A2A endpoint answers with. */
export const JSON_RPC_ERROR = {
  /** The body is not JSON (or not UTF-8). */
  parseError: -32700,
  /** JSON, but not a JSON-RPC request object. */
  invalidRequest: -32600,
  /** A method other than `message/send`. */
  methodNotFound: -32601,
  /** `message/send` without a valid `params.message`. */
  invalidParams: -32602,
  /** The handler threw. The exception text is never sent. */
  internalError: -32603,
} as const;

/** Builds an error response. `message` must be a fixed text, never an exception's. */
export function jsonRpcError(id: JsonRpcId, code: number, message: string): JsonRpcFailure {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/** Builds a success response. */
export function jsonRpcResult(id: JsonRpcId, result: unknown): JsonRpcSuccess {
  return { jsonrpc: '2.0', id, result };
}

/** The request's id when it is a valid JSON-RPC id, else `null` (what error responses must echo). */
export function requestIdOf(value: unknown): JsonRpcId {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}
