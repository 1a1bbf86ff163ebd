/**
 * SecurityHeaders (`M/securityheaders.go`): set on every response that gets past TenantGuard.
 * API paths get a strict CSP; anything else (the canvas fallback) gets the permissive one.
 */
const API_PREFIXES = [
  '/workspaces',
  '/registry',
  '/health',
  '/admin',
  '/metrics',
  '/settings',
  '/bundles',
  '/org',
  '/orgs',
  '/templates',
  '/plugins',
  '/webhooks',
  '/channels',
  '/ws',
  '/events',
  '/approvals',
];

const CANVAS_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; connect-src 'self' ws: wss:; font-src 'self' data:";

/** Adds the security headers for `path` to `headers`. */
export function setSecurityHeaders(path: string, headers: Headers): void {
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('X-Frame-Options', 'DENY');
  headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  const api = API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
  headers.set('Content-Security-Policy', api ? "default-src 'self'" : CANVAS_CSP);
}
