import type { ResponseHeaders } from '../ports/http-transport.js';
/** Header names the platform reads. */
export const HEADER: {
  readonly authorization: 'Authorization';
  readonly contentType: 'Content-Type';
  readonly orgId: 'X-Molecule-Org-Id';
  readonly origin: 'Origin';
  readonly workspaceId: 'X-Workspace-ID';
  readonly sourceWorkspaceId: 'X-Source-Workspace-Id';
} = Object.freeze({
  authorization: 'Authorization',
  contentType: 'Content-Type',
  orgId: 'X-Molecule-Org-Id',
  origin: 'Origin',
  workspaceId: 'X-Workspace-ID',
  sourceWorkspaceId: 'X-Source-Workspace-Id',
});

/**
 * Decides the `Origin` header for platform requests.
 *
 * - `undefined` (default): the platform's origin **only when `orgId` is set** (SaaS tenants, where
 *   the Python SDK found that requests without `Origin` get misrouted), otherwise none. Self-hosted
 *   platforms answer a mismatched `Origin` (proxy, `localhost` vs `127.0.0.1`) with an empty 403,
 *   so sending it by default breaks working setups.
 * - `''`: the platform's origin (the Python SDK's default, made explicit).
 * - `null`: never.
 * - any other string: sent verbatim.
 *
 * The platform's origin is scheme://host[:port], never the path (Python sent the whole URL).
 */
export function resolveOriginHeader(
  option: string | null | undefined,
  platformOrigin: string,
  orgId: string | undefined,
): string | undefined {
  if (option === null) return undefined;
  if (option === undefined) return orgId ? platformOrigin : undefined;
  return option === '' ? platformOrigin : option;
}

/** What the platform (and only the platform) is told on every request. */
export interface PlatformCredentials {
  /** scheme://host[:port] of the platform. */
  platformOrigin: string;
  /** Bearer token, admin token or `undefined`. */
  bearer?: string | undefined;
  orgId?: string | undefined;
  originHeader?: string | undefined;
}

/**
 * Builds request headers. Bearer, `X-Molecule-Org-Id` and `Origin` are attached only when the
 * request's origin (`new URL(url).origin`) is exactly the platform's origin (scheme, host and port): a peer's URL on the
 * same host but another port or scheme gets none of them.
 */
export function buildHeaders(
  origin: string,
  credentials: PlatformCredentials | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (credentials && origin === credentials.platformOrigin) {
    if (credentials.bearer) headers[HEADER.authorization] = `Bearer ${credentials.bearer}`;
    if (credentials.orgId) headers[HEADER.orgId] = credentials.orgId;
    if (credentials.originHeader) headers[HEADER.origin] = credentials.originHeader;
  }
  return { ...headers, ...extra };
}

/** The body length a response declares (`Content-Length`), or `null` when it declares none we can read. */
export function declaredContentLength(headers: ResponseHeaders): number | null {
  const raw = headers.get('content-length')?.trim();
  return raw === undefined || !/^\d{1,15}$/.test(raw) ? null : Number(raw);
}
