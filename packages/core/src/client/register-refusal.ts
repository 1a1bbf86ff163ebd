import { isLoopbackHost } from '../inbound/push-server.js';

/** How to phrase the ways out of a refused registration (option names differ per entry point). */
export interface RegisterRefusalWording {
  /** How to serve pushes, e.g. "give runAgent a publicUrl". */
  servePushes: string;
  /** How to make the simulator accept the placeholder, e.g. "allowPlaceholderUrl: true". */
  simulatorPlaceholder: string;
}

/** The wording for library users. */
export const LIBRARY_REFUSAL_WORDING: RegisterRefusalWording = {
  servePushes:
    "serve pushes (runAgent's publicUrl or MOLECULE_PUBLIC_URL, or a push server's URL as reportedUrl)",
  simulatorPlaceholder:
    'createPlatformSim({ allowPlaceholderUrl: true }) or molecule-platform-sim --allow-placeholder-url',
};

/** Private (10/8, 172.16/12, 192.168/16, fc00::/7) and link-local (169.254/16, fe80::/10) hosts. */
const PRIVATE_HOST = /^(?:10|192\.168|172\.(?:1[6-9]|2\d|3[01]))\.[\d.]+$|^f[cd][\da-f]{2}:/;
const LINK_LOCAL_HOST = /^169\.254\.[\d.]+$|^fe[89ab][\da-f]:/;

/**
 * Says why the platform most likely refused a registration with a 400 and what to do, from the
 * URL that was sent (the platform answers every refusal with the same `invalid request body`, so
 * the URL is the only evidence). Only the URL's origin is ever quoted: its path may be a secret
 * capability path.
 */
export function explainRegisterRefusal(
  reportedUrl: string,
  wording: RegisterRefusalWording = LIBRARY_REFUSAL_WORDING,
): string {
  let url: URL | undefined;
  try {
    url = new URL(reportedUrl);
  } catch {}
  if (!url || !/^https?:$/.test(url.protocol)) {
    return (
      'the agent has no inbound URL, so it sent the poll-only placeholder, which this platform refuses. ' +
      `Ways out: ${wording.servePushes}; or use a platform that accepts poll-only agents (for the simulator: ` +
      `${wording.simulatorPlaceholder})`
    );
  }
  // URL hostnames are lowercase already; IPv6 ones come in brackets.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const what =
    host !== 'localhost' && isLoopbackHost(host)
      ? `a loopback IP literal, which the platform always refuses; register http://localhost:${url.port || '<port>'} instead`
      : PRIVATE_HOST.test(host)
        ? 'a private address, which the platform refuses outside SaaS mode; register a public URL (a tunnel), or http://localhost:<port> for a platform on this machine'
        : LINK_LOCAL_HOST.test(host)
          ? 'a link-local address, which the platform always refuses; register a public URL'
          : undefined;
  return what
    ? `the agent URL ${url.origin} is ${what}`
    : `check that ${url.origin} resolves to a public address from the platform (it refuses unresolvable, private, loopback and link-local ones)`;
}
