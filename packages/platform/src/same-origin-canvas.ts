/**
 * The same-origin canvas check of the SaaS tenant image (`CANVAS_PROXY_URL` set): a request whose
 * `Referer` starts with `http(s)://<Host>/` or whose `Origin` is `http(s)://<Host>` comes from the
 * canvas the platform itself serves. TenantGuard (rule 5) and WorkspaceAuth (no bearer) both ask it.
 */

/** True when same-origin canvas requests are trusted and this request is one. `host` is `url.host`. */
export function isSameOriginCanvas(canvasProxyUrl: string, host: string, headers: Headers): boolean {
  if (!canvasProxyUrl || !host) return false;
  const origin = headers.get('Origin') ?? '';
  if (origin === `http://${host}` || origin === `https://${host}`) return true;
  const referer = headers.get('Referer') ?? '';
  return referer.startsWith(`http://${host}/`) || referer.startsWith(`https://${host}/`);
}
