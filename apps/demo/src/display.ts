/**
 * Hides the unguessable part of a push URL. The platform pushes without credentials, so the
 * capability path is what keeps strangers out; it does not belong on a screen or in a log.
 */
export function maskPushUrl(url: string): string {
  return url.replace(/(\/a2a\/)([A-Za-z0-9_-]{4})[A-Za-z0-9_-]+/, '$1$2…');
}

/** `"text"` cut to `max` characters, for one-line summaries. */
export function quote(text: string, max = 70): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return `"${line.length > max ? `${line.slice(0, max - 1)}…` : line}"`;
}

/** The first 8 characters of an id, as the platform's own UI shortens them. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
