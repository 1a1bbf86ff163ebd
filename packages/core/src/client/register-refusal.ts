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
    "serve pushes (runAgent's publicUrl or MOLECULE_PUBLIC_URL; or a push server whose URL you pass as reportedUrl)",
  simulatorPlaceholder:
    'createPlatformSim({ allowPlaceholderUrl: true }) or molecule-platform-sim --allow-placeholder-url',
};

function isPrivateHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    /^10\.\d+\.\d+\.\d+$/.test(bare) ||
    /^192\.168\.\d+\.\d+$/.test(bare) ||
    /^172\.(1[6-9]|2\d|3[01])\.\d+\.\d+$/.test(bare) ||
    /^f[cd][0-9a-f]{2}:/.test(bare)
  );
}

function isLinkLocalHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return /^169\.254\.\d+\.\d+$/.test(bare) || /^fe[89ab][0-9a-f]:/.test(bare);
}

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
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return (
      'the agent has no inbound URL, so it sent the poll-only placeholder, and this platform accepts only ' +
      `http(s) URLs it can reach. Ways out: ${wording.servePushes}; or use a platform that accepts ` +
      `poll-only agents (for the simulator: ${wording.simulatorPlaceholder})`
    );
  }
  const origin = `${url.protocol}//${url.host}`;
  if (isLoopbackHost(url.hostname) && url.hostname.toLowerCase() !== 'localhost') {
    return (
      `the agent URL ${origin} is a loopback IP literal, which the platform always refuses; ` +
      `register http://localhost:${url.port || '<port>'} instead (the name localhost is accepted)`
    );
  }
  if (isPrivateHost(url.hostname)) {
    return (
      `the agent URL ${origin} is a private address, which the platform refuses outside SaaS mode; ` +
      'register a public URL (a tunnel or reverse proxy), or http://localhost:<port> for a platform on this machine'
    );
  }
  if (isLinkLocalHost(url.hostname)) {
    return `the agent URL ${origin} is a link-local address, which the platform always refuses; register a public URL`;
  }
  return (
    `the platform refuses agent URLs it cannot resolve, or that resolve to a private, loopback or ` +
    `link-local address: check that ${origin} resolves to a public address from the platform`
  );
}
