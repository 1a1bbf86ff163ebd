import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  CursorLostError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  UnprocessableEntityError,
} from '../src/errors.js';
import { apiErrorFromResponse } from '../src/http/api-error.js';

const NOW = Date.UTC(2026, 0, 1);

function make(status: number, body: unknown = { error: 'nope' }, headers: Record<string, string> = {}) {
  return apiErrorFromResponse({
    status,
    method: 'GET',
    path: '/workspaces/ws-1/state',
    headers: new Headers(headers),
    body,
    nowMs: NOW,
  });
}

describe('apiErrorFromResponse', () => {
  it('maps every status to its class', () => {
    const table: [number, abstract new (...args: never[]) => ApiError][] = [
      [400, BadRequestError],
      [401, AuthenticationError],
      [403, PermissionDeniedError],
      [404, NotFoundError],
      [409, ConflictError],
      [410, CursorLostError],
      [413, PayloadTooLargeError],
      [422, UnprocessableEntityError],
      [429, RateLimitError],
      [500, ServerError],
      [502, ServerError],
      [503, ServerError],
    ];
    for (const [status, cls] of table) {
      const error = make(status);
      expect(error).toBeInstanceOf(cls);
      expect(error.status).toBe(status);
    }
    const other = make(402);
    expect(other.constructor).toBe(ApiError);
  });
  it('carries method, path, status and the parsed body; the message names them and the server text', () => {
    const error = make(401, { error: 'invalid workspace auth token' });
    expect(error).toMatchObject({
      method: 'GET',
      path: '/workspaces/ws-1/state',
      body: { error: 'invalid workspace auth token' },
    });
    expect(error.message).toBe('GET /workspaces/ws-1/state failed with 401: invalid workspace auth token');
    expect(error.serverMessage).toBe('invalid workspace auth token');
  });
  it('says "empty body" for an empty body (TenantGuard 404, CORS 403)', () => {
    const error = apiErrorFromResponse({
      status: 404,
      method: 'GET',
      path: '/workspaces/ws-1/state',
      headers: new Headers(),
      body: undefined,
      nowMs: NOW,
    });
    expect(error.message).toBe('GET /workspaces/ws-1/state failed with 404 (empty body)');
    expect(error.body).toBeUndefined();
  });
  it('puts the Retry-After delay on a RateLimitError, and none when it is garbage', () => {
    expect((make(429, {}, { 'retry-after': '7' }) as RateLimitError).retryAfterMs).toBe(7000);
    expect((make(429, {}, { 'retry-after': 'nan' }) as RateLimitError).retryAfterMs).toBeUndefined();
  });
  it('never carries a credential from a hostile body into the message, fields or toJSON', () => {
    const secret = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const error = make(500, {
      error: `boom Bearer ${secret}`,
      auth_token: secret,
      detail: { password: 'p' },
    });
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error.toJSON())).not.toContain(secret);
    expect(JSON.stringify(error.body)).not.toContain(secret);
    expect(JSON.stringify(error.body)).not.toContain('"p"');
  });
  it('cuts a long text body in the message', () => {
    expect(make(502, 'x'.repeat(5000)).message.length).toBeLessThan(300);
  });
});
