/**
 * Credentials that are not workspace tokens: org API tokens and control-plane (CP) session
 * cookies. The contract names where each is accepted but not its format, so both are opaque
 * random strings here; only sha256 hashes of org tokens are kept, like workspace tokens.
 */
import type { SimCore } from './core.js';
import { newTokenPlaintext, sha256Hex } from './tokens.js';

/**
 * The cookie the simulator reads as a CP session. The real cookie name is not in the contract;
 * this one is the simulator's choice.
 */
export const CP_SESSION_COOKIE = 'molecule_cp_session';

/** Mints an org API token (43 chars) and returns the plaintext once. */
export async function mintOrgToken(core: SimCore): Promise<string> {
  const plaintext = newTokenPlaintext(core.random);
  core.store.orgTokens.push({ hash: await sha256Hex(plaintext), createdAt: core.now(), revokedAt: null });
  return plaintext;
}

/** True when `token` is a live org API token. */
export async function isOrgToken(core: SimCore, token: string): Promise<boolean> {
  if (!token || core.store.orgTokens.length === 0) return false;
  const hash = await sha256Hex(token);
  return core.store.orgTokens.some((t) => t.hash === hash && t.revokedAt === null);
}

/** Issues a CP session and returns its value (send it as `Cookie: molecule_cp_session=<value>`). */
export function issueCpSession(core: SimCore): string {
  const value = newTokenPlaintext(core.random);
  core.store.cpSessions.add(value);
  return value;
}

function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether the request carries a CP session cookie, and whether it is one the simulator issued. */
export function cpSessionState(core: SimCore, headers: Headers): 'absent' | 'valid' | 'invalid' {
  const value = cookieValue(headers.get('Cookie'), CP_SESSION_COOKIE);
  if (value === undefined || value === '') return 'absent';
  return core.store.cpSessions.has(value) ? 'valid' : 'invalid';
}
