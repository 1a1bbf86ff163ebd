/**
 * Who may talk to whom (`registry/access.go: CanCommunicate`) and who is listed as a peer
 * (`H/discovery.go: queryPeerMaps`).
 */
import type { Store, WorkspaceRow } from './store.js';

function isAncestor(store: Store, ancestorId: string, of: WorkspaceRow): boolean {
  let cur: WorkspaceRow | undefined = of;
  for (let depth = 0; depth < 32 && cur?.parentId; depth++) {
    if (cur.parentId === ancestorId) return true;
    cur = store.workspaces.get(cur.parentId);
  }
  return false;
}

/**
 * Self; siblings (same parent); every root-level workspace with every other; any ancestor with
 * any descendant (32 levels). A caller or target that does not exist → false.
 */
export function canCommunicate(store: Store, callerId: string, targetId: string): boolean {
  const caller = store.find(callerId);
  const target = store.find(targetId);
  if (!caller || !target) return false;
  if (caller.id === target.id) return true;
  if (caller.parentId === target.parentId) return true;
  return isAncestor(store, caller.id, target) || isAncestor(store, target.id, caller);
}

/**
 * The peers listed for `self`: siblings (all other roots when `self` is a root), then direct
 * children, then the direct parent. Removed workspaces are left out.
 */
export function listPeers(store: Store, self: WorkspaceRow): WorkspaceRow[] {
  const live = [...store.workspaces.values()].filter((w) => w.status !== 'removed' && w.id !== self.id);
  const siblings = live.filter((w) => w.parentId === self.parentId);
  const children = live.filter((w) => w.parentId === self.id);
  const parent = live.filter((w) => w.id === self.parentId);
  return [...siblings, ...children, ...parent];
}
