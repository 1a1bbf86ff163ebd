/**
 * The platform's route table (the subset of `router.go` the SDK touches).
 */
import { adminAuth, workspaceAuth } from '../auth.js';
import type { RequestContext } from '../context.js';
import type { SimResponse } from '../http.js';
import { type Handler, Router } from '../router.js';
import { a2aProxy } from './a2a.js';
import { listActivity, notify } from './activity.js';
import { delegate } from './delegate.js';
import { discover, peers } from './discovery.js';
import { health } from './health.js';
import { downloadPlugin, installPlugin } from './plugins.js';
import { heartbeat, register, updateCard } from './registry.js';
import { createToken, listTokens, revokeToken, testToken } from './tokens.js';
import { secretValues, state } from './workspace.js';
import { createWorkspaceHandler } from './workspaces.js';

function guarded(gate: (ctx: RequestContext) => Promise<SimResponse | null>, handler: Handler): Handler {
  return async (ctx) => (await gate(ctx)) ?? handler(ctx);
}

/** Builds the router. */
export function platformRoutes(): Router {
  const ws = (h: Handler): Handler => guarded(workspaceAuth, h);
  return new Router()
    .add('GET', '/health', health)
    .add('POST', '/registry/register', register)
    .add('POST', '/registry/heartbeat', heartbeat)
    .add('POST', '/registry/update-card', updateCard)
    .add('GET', '/registry/discover/:id', discover)
    .add('GET', '/registry/:id/peers', peers)
    .add('POST', '/workspaces', guarded(adminAuth, createWorkspaceHandler))
    .add('POST', '/workspaces/:id/a2a', a2aProxy)
    .add('GET', '/workspaces/:id/state', ws(state))
    .add('GET', '/workspaces/:id/secrets/values', ws(secretValues))
    .add('GET', '/workspaces/:id/activity', ws(listActivity))
    .add('POST', '/workspaces/:id/notify', ws(notify))
    .add('POST', '/workspaces/:id/delegate', ws(delegate))
    .add('GET', '/workspaces/:id/plugins/:name/download', ws(downloadPlugin))
    .add('POST', '/workspaces/:id/plugins', ws(installPlugin))
    .add('GET', '/workspaces/:id/tokens', ws(listTokens))
    .add('POST', '/workspaces/:id/tokens', ws(createToken))
    .add('DELETE', '/workspaces/:id/tokens/:tokenId', ws(revokeToken))
    .add('GET', '/admin/workspaces/:id/test-token', testToken);
}
