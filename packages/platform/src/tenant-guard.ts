/**
 * TenantGuard (`M/tenant_guard.go`): only active when an org id is configured. A request passes
 * when its path is `/health`, `/metrics`, `/registry/register` or `/registry/heartbeat`, starts
 * with `/cp/`, carries `X-Molecule-Org-Id` equal to the org id (case-sensitive), or a
 * `Fly-Replay-Src` header with `state=<orgid>`, or is a same-origin canvas request (only with
 * `CANVAS_PROXY_URL`; see `same-origin-canvas.ts`). Anything else is a 404 with an empty body.
 */
const ALLOWLIST = new Set(['/health', '/metrics', '/registry/register', '/registry/heartbeat']);

function orgFromReplaySrc(header: string | null): string {
  if (!header) return '';
  for (const seg of header.split(';')) {
    const s = seg.trim();
    if (s.startsWith('state=')) return s.slice('state='.length);
  }
  return '';
}

/** True when the request may pass the guard. `sameOriginCanvas` is rule 5's verdict. */
export function tenantGuardAllows(
  orgId: string,
  path: string,
  headers: Headers,
  sameOriginCanvas: boolean,
): boolean {
  if (!orgId) return true;
  if (ALLOWLIST.has(path)) return true;
  if (path.startsWith('/cp/')) return true;
  if ((headers.get('X-Molecule-Org-Id') ?? '') === orgId) return true;
  if (orgFromReplaySrc(headers.get('Fly-Replay-Src')) === orgId) return true;
  return sameOriginCanvas;
}
