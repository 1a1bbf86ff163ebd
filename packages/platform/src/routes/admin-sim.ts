/**
 * `/admin/sim/*`: the admin API over HTTP, for non-JS users and the demo. Guarded by the admin
 * token as a bearer (open when the simulator runs with `adminToken: false`). These calls bypass
 * the platform middleware and are not recorded in `sim.requests`.
 */
import type { SimCore } from '../core.js';
import type { FaultPlan } from '../faults.js';
import { errorResponse, jsonResponse, type SimResponse } from '../http.js';
import type { PluginFiles } from '../plugins/tree.js';
import type { PlatformSim } from '../sim.js';
import type { WorkspaceStatus } from '../store.js';
import { bearerFromHeader, constantTimeEqual } from '../tokens.js';

type Json = Record<string, unknown>;

async function readJson(request: Request): Promise<Json> {
  const text = await request.text();
  if (!text.trim()) return {};
  const v = JSON.parse(text) as unknown;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new TypeError('body must be a JSON object');
  return v as Json;
}

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Plugin files over JSON: a string, or `{content, encoding?: "base64", mode?}`, or `{dir: true}`. */
function pluginFilesFromJson(files: unknown): PluginFiles {
  if (!files || typeof files !== 'object') throw new TypeError('files must be an object');
  const out: PluginFiles = {};
  for (const [path, v] of Object.entries(files as Json)) {
    if (typeof v === 'string') out[path] = v;
    else if (v && typeof v === 'object') {
      const o = v as { content?: unknown; encoding?: unknown; mode?: unknown; dir?: unknown };
      const mode = typeof o.mode === 'number' ? o.mode : undefined;
      if (o.dir === true) out[path] = mode === undefined ? { dir: true } : { dir: true, mode };
      else {
        const content =
          o.encoding === 'base64' ? base64ToBytes(String(o.content ?? '')) : String(o.content ?? '');
        out[path] = mode === undefined ? { content } : { content, mode };
      }
    } else throw new TypeError(`invalid file ${path}`);
  }
  return out;
}

/** Handles one `/admin/sim/*` request. */
export async function handleAdminSim(
  sim: PlatformSim,
  core: SimCore,
  request: Request,
  url: URL,
): Promise<SimResponse> {
  const admin = core.options.adminToken;
  if (admin !== '') {
    const tok = bearerFromHeader(request.headers.get('Authorization'));
    if (!tok || !constantTimeEqual(tok, admin)) return errorResponse(401, 'admin auth required');
  }
  const method = request.method.toUpperCase();
  const a = sim.admin;
  try {
    const parts = decodeURIComponent(url.pathname).split('/').slice(3); // after /admin/sim
    const [first, id, action] = parts;
    if (first === 'workspaces' && id === undefined) {
      if (method === 'GET') return jsonResponse(200, a.workspaces());
      if (method === 'POST') {
        const b = await readJson(request);
        const created = await a.createWorkspace({
          ...(typeof b.id === 'string' ? { id: b.id } : {}),
          ...(typeof b.name === 'string' ? { name: b.name } : {}),
          ...(typeof b.role === 'string' ? { role: b.role } : {}),
          ...(typeof b.parent_id === 'string' ? { parentId: b.parent_id } : {}),
          ...(typeof b.external === 'boolean' ? { external: b.external } : {}),
          ...(typeof b.url === 'string' ? { url: b.url } : {}),
          ...(typeof b.runtime === 'string' ? { runtime: b.runtime } : {}),
          ...(typeof b.tier === 'number' ? { tier: b.tier } : {}),
          ...(typeof b.budget_limit === 'number' ? { budgetLimit: b.budget_limit } : {}),
        });
        return jsonResponse(201, created);
      }
    }
    if (first === 'workspaces' && id !== undefined) {
      if (action === undefined && method === 'GET') {
        const snap = a.workspace(id);
        return snap ? jsonResponse(200, snap) : errorResponse(404, 'workspace not found');
      }
      if (action === undefined && method === 'DELETE') {
        await a.delete(id);
        return jsonResponse(200, { status: 'removed' });
      }
      if (method === 'POST' && (action === 'pause' || action === 'resume' || action === 'hibernate')) {
        await a[action](id);
        return jsonResponse(200, { status: a.workspace(id)?.status });
      }
      if (method === 'POST' && action === 'expire-liveness') {
        await a.expireLiveness(id);
        return jsonResponse(200, { status: a.workspace(id)?.status });
      }
      if (method === 'PUT' && action === 'status') {
        const b = await readJson(request);
        await a.setStatus(id, String(b.status) as WorkspaceStatus);
        return jsonResponse(200, { status: a.workspace(id)?.status });
      }
      if (method === 'PUT' && action === 'secrets') {
        await a.setSecrets(id, (await readJson(request)) as Record<string, string | null>);
        return jsonResponse(200, { status: 'ok' });
      }
      if (method === 'PUT' && action === 'budget') {
        const b = await readJson(request);
        await a.setBudget(
          id,
          typeof b.budget_limit === 'number' ? b.budget_limit : null,
          typeof b.monthly_spend === 'number' ? b.monthly_spend : undefined,
        );
        return jsonResponse(200, { status: 'ok' });
      }
      if (method === 'POST' && action === 'messages') {
        const b = await readJson(request);
        return jsonResponse(200, await a.sendCanvasMessage(id, String(b.text ?? '')));
      }
      if (method === 'POST' && action === 'tokens')
        return jsonResponse(201, { auth_token: await a.mintToken(id) });
      if (method === 'GET' && action === 'activity') return jsonResponse(200, a.activity(id));
      if (method === 'DELETE' && action === 'activity') {
        const before = url.searchParams.get('before');
        return jsonResponse(200, { removed: await a.pruneActivity(id, before ? Number(before) : undefined) });
      }
      if (method === 'GET' && action === 'notifications') return jsonResponse(200, a.notifications(id));
      if (method === 'GET' && action === 'queue') return jsonResponse(200, a.queue(id));
    }
    if (first === 'org-tokens' && id === undefined && method === 'POST') {
      return jsonResponse(201, { auth_token: await a.mintOrgToken() });
    }
    if (first === 'cp-sessions' && id === undefined && method === 'POST') {
      return jsonResponse(201, { cookie: await a.issueCpSession() });
    }
    if (first === 'secrets' && method === 'PUT') {
      await a.setGlobalSecrets((await readJson(request)) as Record<string, string | null>);
      return jsonResponse(200, { status: 'ok' });
    }
    if (first === 'plugins' && id !== undefined && method === 'PUT') {
      const b = await readJson(request);
      await a.addPlugin(id, pluginFilesFromJson(b.files));
      return jsonResponse(200, { status: 'ok' });
    }
    if (first === 'plugins' && id !== undefined && method === 'DELETE') {
      await a.removePlugin(id);
      return jsonResponse(200, { status: 'ok' });
    }
    if (first === 'requests' && method === 'GET') return jsonResponse(200, sim.requests);
    if (first === 'requests' && method === 'DELETE') {
      sim.clearRequests();
      return jsonResponse(200, { status: 'ok' });
    }
    if (first === 'faults' && method === 'PUT') {
      const b = await readJson(request);
      sim.setFaults({ rules: (b.rules ?? []) as FaultPlan['rules'] });
      return jsonResponse(200, { status: 'ok' });
    }
    if (first === 'settle' && method === 'POST') {
      await sim.settle();
      return jsonResponse(200, { status: 'ok' });
    }
  } catch (e) {
    if (
      e instanceof RangeError ||
      e instanceof TypeError ||
      e instanceof SyntaxError ||
      e instanceof URIError
    ) {
      return errorResponse(400, e.message);
    }
    throw e;
  }
  return errorResponse(404, 'unknown admin route');
}
