import { ConfigError } from '../errors.js';
import { constantTimeEqual } from '../util/constant-time-equal.js';
import { normalisePath } from './capability-path.js';

const SECRET_PATTERN = /^[A-Za-z0-9_-]{16,}$/;
const WORKSPACE_SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;
const CAPABILITY_SEGMENT = /^[A-Za-z0-9_-]{43}$/;

/** A pushed request's target, found by {@link matchWorkspacePushPath}. */
export interface WorkspacePushTarget {
  /** The workspace the request is for. */
  workspaceId: string;
  /** That workspace's push path (`<prefix>/<workspaceId>/<capability>`), without a trailing `/a2a`. */
  path: string;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function capabilityOf(secret: string, workspaceId: string): Promise<string> {
  if (!SECRET_PATTERN.test(secret)) {
    throw new ConfigError('the push secret must be at least 16 URL-safe characters (A-Z a-z 0-9 _ -)');
  }
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`molecule-push:${workspaceId}`));
  return base64url(new Uint8Array(mac));
}

/**
 * The push path of one of several agents served by the same host (a Worker with one Durable Object
 * per workspace): `<prefix>/<workspaceId>/<capability>`, where the capability is
 * HMAC-SHA-256(secret, workspace id) in base64url (43 characters).
 *
 * The platform pushes without credentials, so the path is the protection. One configured secret
 * serves every workspace, yet each workspace's URL is a capability of its own: a peer that learns
 * one agent's URL (peers see each other's URLs) cannot derive another's.
 *
 * @throws ConfigError when the secret is shorter than 16 URL-safe characters, or the workspace id
 *   is not a URL-safe segment.
 */
export async function workspacePushPath(
  secret: string,
  workspaceId: string,
  prefix = '/a2a',
): Promise<string> {
  if (!WORKSPACE_SEGMENT.test(workspaceId)) {
    throw new ConfigError('a workspace id in a push path must be 1-128 URL-safe characters');
  }
  const base = normalisePath(prefix);
  return `${base === '/' ? '' : base}/${workspaceId}/${await capabilityOf(secret, workspaceId)}`;
}

/**
 * Finds which workspace a pushed request is for: `pathname` must be `<prefix>/<id>/<capability>`
 * (or that followed by `/a2a`, which the platform's MCP bridge appends), `isServed(id)` must accept
 * the id, and the capability must be the one {@link workspacePushPath} derives for it (compared in
 * constant time). Anything else is `null`: answer 404 and create nothing for it.
 */
export async function matchWorkspacePushPath(
  pathname: string,
  secret: string,
  isServed: (workspaceId: string) => boolean,
  prefix = '/a2a',
): Promise<WorkspacePushTarget | null> {
  const base = normalisePath(prefix);
  const head = base === '/' ? '/' : `${base}/`;
  if (!pathname.startsWith(head)) return null;
  const segments = pathname.slice(head.length).split('/');
  if (segments.length === 3 && segments[2] === 'a2a') segments.pop();
  if (segments.length !== 2) return null;
  const [workspaceId, capability] = segments as [string, string];
  if (!WORKSPACE_SEGMENT.test(workspaceId) || !CAPABILITY_SEGMENT.test(capability)) return null;
  if (!isServed(workspaceId)) return null;
  if (!constantTimeEqual(capability, await capabilityOf(secret, workspaceId))) return null;
  return { workspaceId, path: `${head}${workspaceId}/${capability}` };
}
