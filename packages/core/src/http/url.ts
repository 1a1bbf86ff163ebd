import { ConfigError } from '../errors.js';

/**
 * Validates and normalises the platform URL: http(s) only, no credentials, no query or fragment,
 * trailing slashes removed. A path prefix (`https://host/molecule`) is kept.
 */
export function parsePlatformUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    // The host's error carries the input (`error.input` on Node), credentials and all: keep only
    // what kind of failure it was.
    const cause = new TypeError('Invalid URL');
    if (error instanceof Error && 'code' in error)
      Object.assign(cause, { code: (error as { code: unknown }).code });
    throw new ConfigError('platformUrl is not a valid URL (it is not shown: it may contain credentials)', {
      cause,
    });
  }
  if (!/^https?:$/.test(url.protocol)) {
    throw new ConfigError(`platformUrl must use http or https, not ${url.protocol}`);
  }
  if (!isHttpWithoutCredentials(url) || url.search || url.hash) {
    throw new ConfigError(
      'platformUrl must not contain credentials (the token goes through the token store), a query or a fragment',
    );
  }
  url.pathname = basePathOf(url) || '/';
  return url;
}

/** The platform's path prefix without trailing slashes: `""` for `https://host/`, `/molecule` for `https://host/molecule/`. */
export function basePathOf(base: URL): string {
  return base.pathname.replace(/\/+$/, '');
}

/** Percent-encodes one path segment. `.` and `..` (or empty) would move the path, so they are refused. */
export function encodeSegment(value: string, what = 'path segment'): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..') {
    throw new ConfigError(`${what} must be a non-empty string other than "." and ".."`);
  }
  return encodeURIComponent(value);
}

/**
 * A path template whose interpolated values are percent-encoded segments:
 * `` apiPath`/workspaces/${id}/state` `` with `id = "a/b"` gives `/workspaces/a%2Fb/state`.
 */
export function apiPath(strings: TemplateStringsArray, ...values: string[]): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += encodeSegment(value) + (strings[i + 1] ?? '');
  });
  return out;
}

/**
 * Joins the platform prefix (origin + base path, e.g. `https://host/molecule`) and an encoded path,
 * adding only the non-empty query values.
 */
export function platformUrlFor(
  prefix: string,
  path: string,
  query?: Record<string, string | number | null | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value != null && value !== '') params.append(key, String(value));
  }
  const search = String(params);
  return prefix + path + (search && `?${search}`);
}

/**
 * Parses a URL a peer registered. Only absolute http(s) URLs without credentials qualify; anything
 * else is `null` (it could never be called directly, and userinfo would leak into requests).
 */
export function parsePeerUrl(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  return isHttpWithoutCredentials(url) ? url : null;
}

/** http(s), and no userinfo (which would leak into requests and messages). */
function isHttpWithoutCredentials(url: URL): boolean {
  return /^https?:$/.test(url.protocol) && !url.username && !url.password;
}

/** Characters of a peer's path shown in errors and logs; the rest may be its capability secret. */
export const SHOWN_PEER_PATH_CHARS = 8;

/**
 * A peer's path as errors and logs show it: the first {@link SHOWN_PEER_PATH_CHARS} characters and
 * `…` (`/a2a/AbC…`). A push server's path is a capability (whoever knows it can send the agent
 * messages), so it is treated as a credential; the origin is shown separately and in full.
 */
export function shownPeerPath(pathname: string): string {
  return pathname.length > SHOWN_PEER_PATH_CHARS ? `${pathname.slice(0, SHOWN_PEER_PATH_CHARS)}…` : pathname;
}
