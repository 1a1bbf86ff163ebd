/**
 * `POST /workspaces` (AdminAuth): external workspaces with or without a URL.
 */
import type { RequestContext } from '../context.js';
import type { SimCore } from '../core.js';
import { bindOrNull, type StructSpec } from '../go-bind.js';
import { errorResponse, jsonResponse, type SimResponse } from '../http.js';
import { canonicalUuid } from '../ids.js';

const CREATE: StructSpec = {
  name: { kind: 'string', required: true },
  role: { kind: 'string' },
  tier: { kind: 'int' },
  runtime: { kind: 'string' },
  external: { kind: 'bool' },
  url: { kind: 'string' },
  parent_id: { kind: 'string' },
  budget_limit: { kind: 'int' },
};

/** Parameters of a workspace creation (HTTP or admin API). */
export interface CreateWorkspaceInput {
  id?: string | undefined;
  name: string;
  role?: string | undefined;
  tier?: number | undefined;
  runtime?: string | undefined;
  external?: boolean | undefined;
  url?: string | undefined;
  parentId?: string | undefined;
  budgetLimit?: number | undefined;
}

/** The result of a creation. */
export type CreateWorkspaceResult =
  | { ok: true; id: string; status: string; external: boolean; token?: string }
  | { ok: false; error: string };

/** Creates a workspace the way `WorkspaceHandler.Create` does (no provisioning). */
export async function createWorkspace(
  core: SimCore,
  input: CreateWorkspaceInput,
): Promise<CreateWorkspaceResult> {
  let parentId: string | null = null;
  if (input.parentId) {
    parentId = canonicalUuid(input.parentId);
    if (!parentId || !core.store.workspaces.has(parentId))
      return { ok: false, error: 'failed to create workspace' };
  }
  const id = input.id ? canonicalUuid(input.id) : core.newId();
  if (!id || core.store.workspaces.has(id)) return { ok: false, error: 'failed to create workspace' };
  const external = input.external === true || input.runtime === 'external';
  const row = core.createWorkspaceRow({
    id,
    name: input.name,
    role: input.role || null,
    tier: input.tier || 3,
    runtime: external ? 'external' : input.runtime || 'langgraph',
    parentId,
    budgetLimit: input.budgetLimit ?? null,
    status: 'provisioning',
  });
  if (!external) return { ok: true, id, status: 'provisioning', external: false };
  if (input.url) {
    row.url = input.url;
    row.status = 'online';
    return { ok: true, id, status: 'online', external: true };
  }
  row.status = 'awaiting_agent';
  const token = await core.mintToken(id);
  return { ok: true, id, status: 'awaiting_agent', external: true, token };
}

function connectionInfo(platformUrl: string, id: string, token: string): Record<string, unknown> {
  const register = `${platformUrl}/registry/register`;
  return {
    workspace_id: id,
    platform_url: platformUrl,
    auth_token: token,
    registry_endpoint: register,
    heartbeat_endpoint: `${platformUrl}/registry/heartbeat`,
    curl_register_template:
      `curl -X POST ${register} -H "Content-Type: application/json" ` +
      `-H "Authorization: Bearer $WORKSPACE_AUTH_TOKEN" ` +
      `-d '{"id":"${id}","url":"$AGENT_URL","agent_card":{"name":"my-agent"}}'`,
    python_snippet: `PLATFORM_URL = "${platformUrl}"\nWORKSPACE_ID = "${id}"\nAUTH_TOKEN = "<paste from create response>"`,
  };
}

/** The HTTP handler. */
export async function createWorkspaceHandler(ctx: RequestContext): Promise<SimResponse> {
  const p = bindOrNull(ctx.body, CREATE);
  if (!p) return errorResponse(400, 'invalid workspace payload');
  const name = p.name as string;
  // The server refuses control characters and angle brackets in names and roles, and names over 255 characters.
  if (
    [...name].length > 255 ||
    /[\u0000-\u001f<>]/.test(name) ||
    /[\u0000-\u001f<>]/.test((p.role as string) ?? '')
  ) {
    return errorResponse(400, 'invalid workspace fields');
  }
  if (ctx.datastoreDown) return errorResponse(500, 'failed to create workspace');
  const result = await createWorkspace(ctx.core, {
    name,
    role: p.role as string | undefined,
    tier: p.tier as number | undefined,
    runtime: p.runtime as string | undefined,
    external: p.external as boolean | undefined,
    url: p.url as string | undefined,
    parentId: p.parent_id as string | undefined,
    budgetLimit: p.budget_limit as number | undefined,
  });
  if (!result.ok) return errorResponse(500, result.error);
  if (!result.external) {
    return jsonResponse(201, {
      id: result.id,
      status: 'provisioning',
      awareness_namespace: `workspace:${result.id}`,
      workspace_access: 'none',
    });
  }
  const body: Record<string, unknown> = { id: result.id, external: true, status: result.status };
  if (result.token !== undefined) {
    const platformUrl = (ctx.core.options.platformUrl ?? ctx.url.origin).replace(/\/$/, '');
    body.connection = connectionInfo(platformUrl, result.id, result.token);
  }
  return jsonResponse(201, body);
}
