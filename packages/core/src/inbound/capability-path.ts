const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A fresh unguessable path for the push endpoint, `/a2a/<32 random base64url characters>`
 * (192 bits from `crypto.getRandomValues`).
 *
 * The platform sends no credentials with the messages it pushes, so anyone who knows the URL can
 * post to it. Keeping the URL secret is the protection: register it with the platform and do not
 * publish it anywhere else. Generate a new one (and re-register) if it leaks.
 */
export function createCapabilityPath(prefix = '/a2a'): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  let segment = '';
  // 256 is a multiple of 64, so `byte & 63` is uniform.
  for (const byte of bytes) segment += BASE64URL[byte & 63];
  return `${normalisePath(prefix)}/${segment}`.replace(/^\/\//, '/');
}

/** `/a/b/` → `/a/b`; `` and `/` → `/`; adds a leading slash. */
export function normalisePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  const trimmed = withSlash.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}
