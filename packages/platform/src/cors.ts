/**
 * gin-contrib/cors as the server configures it: allowed origins from `CORS_ORIGINS`, methods
 * GET/POST/PUT/PATCH/DELETE/OPTIONS, headers Origin/Content-Type/X-Workspace-ID/Authorization,
 * credentials allowed. A foreign `Origin` (neither `http(s)://<Host>` nor allow-listed) is
 * aborted with 403 and an empty body, before the rate limiter runs.
 */
import { emptyResponse, type SimResponse } from './http.js';

/** What CORS decided for a request. */
export type CorsOutcome = { kind: 'pass'; headers: Headers } | { kind: 'respond'; response: SimResponse };

const ALLOW_METHODS = 'GET,POST,PUT,PATCH,DELETE,OPTIONS';
const ALLOW_HEADERS = 'Origin,Content-Type,X-Workspace-Id,Authorization';

/** Applies the CORS middleware. `host` is the request's Host (`url.host`). */
export function applyCors(method: string, host: string, headers: Headers, allowed: string[]): CorsOutcome {
  const out = new Headers();
  const origin = headers.get('Origin');
  if (!origin) return { kind: 'pass', headers: out };
  if (origin === `http://${host}` || origin === `https://${host}`) return { kind: 'pass', headers: out };
  if (!allowed.includes(origin)) return { kind: 'respond', response: emptyResponse(403) };
  out.set('Access-Control-Allow-Origin', origin);
  out.set('Access-Control-Allow-Credentials', 'true');
  if (method === 'OPTIONS') {
    out.set('Access-Control-Allow-Methods', ALLOW_METHODS);
    out.set('Access-Control-Allow-Headers', ALLOW_HEADERS);
    out.append('Vary', 'Origin');
    out.append('Vary', 'Access-Control-Request-Method');
    out.append('Vary', 'Access-Control-Request-Headers');
    return { kind: 'respond', response: { status: 204, headers: out, body: null } };
  }
  out.set('Vary', 'Origin');
  return { kind: 'pass', headers: out };
}
