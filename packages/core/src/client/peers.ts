import * as v from 'valibot';
import { HEADER } from '../http/headers.js';
import { apiPath, parsePeerUrl } from '../http/url.js';
import { discoverBodySchema, type PeerRow, peerRowSchema } from '../schemas/platform.js';
import { tryParse } from '../schemas/validate.js';
import {
  type ClientContext,
  callPlatform,
  callPlatformJson,
  describeCall,
  type PlatformCall,
  readJson,
} from './context.js';
import type { CallOptions } from './registry.js';

/** A peer workspace as `GET /registry/:id/peers` lists it, with Python's defaults filled in. */
export interface PeerInfo {
  id: string;
  name: string;
  /** As registered: may be `""`, a placeholder or a host-local URL. */
  url: string;
  role: string;
  /** Integer tier, 2 when absent. */
  tier: number;
  status: string;
  agentCard: Record<string, unknown>;
  parentId: string | null;
  activeTasks: number;
}

export interface GetPeersOptions extends CallOptions {
  /** Case-insensitive substring filter on name or role (server side). */
  q?: string;
}

export interface DiscoverOptions extends CallOptions {
  /** Skip the cache and ask the platform. */
  refresh?: boolean;
}

function toPeerInfo(row: PeerRow): PeerInfo {
  return {
    id: row.id,
    name: row.name ?? '',
    url: row.url ?? '',
    role: row.role ?? '',
    tier: row.tier ? Math.trunc(row.tier) : 2,
    status: row.status ?? 'unknown',
    agentCard: row.agent_card ?? {},
    parentId: row.parent_id ?? null,
    activeTasks: row.active_tasks ?? 0,
  };
}

/**
 * `GET /registry/:id/peers` (with `X-Workspace-ID`). Rows that do not validate are dropped with a
 * debug log, as Python does. Peers with a callable http(s) URL seed the discovery cache.
 */
export async function getPeers(ctx: ClientContext, options: GetPeersOptions = {}): Promise<PeerInfo[]> {
  const call: PlatformCall = {
    method: 'GET',
    path: apiPath`/registry/${ctx.workspaceId}/peers`,
    query: { q: options.q },
    headers: { [HEADER.workspaceId]: ctx.workspaceId },
    signal: options.signal,
  };
  const source = describeCall(ctx, call);
  const rows = (await callPlatformJson(ctx, call, v.nullish(v.array(v.unknown())))) ?? [];
  const peers: PeerInfo[] = [];
  const now = ctx.clock.now();
  for (const [index, row] of rows.entries()) {
    const parsed = tryParse(peerRowSchema, row);
    if (!parsed.ok) {
      ctx.logger.debug('dropping a malformed peer row', { source, index, issues: parsed.issues });
      continue;
    }
    const peer = toPeerInfo(parsed.value);
    ctx.peers.set(peer.id, peer.url, now);
    peers.push(peer);
  }
  return peers;
}

/**
 * The direct URL of a peer: from the cache while fresh, else `GET /registry/discover/:id`.
 * Returns `null` when the platform has no callable URL for it: a non-http(s) or credentialed URL
 * (not cached), 404, or 403 (the real server answers 403 for an unknown target as well as for one
 * outside the hierarchy). Other failures throw.
 */
export async function discoverPeer(
  ctx: ClientContext,
  targetId: string,
  options: DiscoverOptions = {},
): Promise<string | null> {
  if (!options.refresh) {
    const cached = ctx.peers.get(targetId, ctx.clock.now());
    if (cached !== undefined) return cached;
  }
  const call: PlatformCall = {
    method: 'GET',
    path: apiPath`/registry/discover/${targetId}`,
    headers: { [HEADER.workspaceId]: ctx.workspaceId },
    signal: options.signal,
  };
  const response = await callPlatform(ctx, call);
  if (response.status === 404 || response.status === 403) {
    ctx.logger.debug('peer not discoverable', { targetId, status: response.status });
    return null;
  }
  const body = readJson(ctx, call, response, discoverBodySchema);
  const url = parsePeerUrl(body.url);
  if (!url) return null;
  ctx.secrets.add(url.pathname); // a capability: never shown whole in an error or a log line
  ctx.peers.set(targetId, url.href, ctx.clock.now());
  return url.href;
}

/** Forgets a cached peer URL. Idempotent. */
export function invalidatePeer(ctx: ClientContext, targetId: string): void {
  ctx.peers.delete(targetId);
}
