import { AuthenticationError, BadRequestError, ConfigError, TokenLostError } from '../errors.js';
import { apiPath } from '../http/url.js';
import {
  mintTokenBodySchema,
  type RegisterBody,
  registerBodySchema,
  statusBodySchema,
} from '../schemas/platform.js';
import { type ClientContext, callPlatformJson, type PlatformCall } from './context.js';
import { PLACEHOLDER_REPORTED_URL } from './options.js';
import { explainRegisterRefusal } from './register-refusal.js';

/** What register did with the token. */
export interface RegisterResult {
  /** The token now in use (issued just now, or the one already known). */
  token: string;
  /** True when the platform issued it in this call (and it was saved to the token store). */
  issued: boolean;
  /** The platform's `status`, normally `"registered"`. */
  status: string;
}

/** What the agent reports on each heartbeat. Numbers are sent as the integers the platform demands. */
export interface HeartbeatReport {
  currentTask?: string;
  activeTasks?: number;
  errorRate?: number | undefined;
  sampleError?: string | undefined;
  /** Only `"wedged"` means something to the platform. */
  runtimeState?: string;
  /** USD cents spent this month; 0 = no update. */
  monthlySpend?: number;
  runtimeMetadata?: { capabilities?: Record<string, boolean>; idle_timeout_seconds?: number };
  /** Overrides the uptime; default: whole seconds since the client was created (injected clock). */
  uptimeSeconds?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

function tokenLost(ctx: ClientContext, cause?: unknown): TokenLostError {
  const id = ctx.workspaceId;
  const mintUrl = `${ctx.platformOrigin}${ctx.basePath}/workspaces/${encodeURIComponent(id)}/tokens`;
  return new TokenLostError(
    `workspace ${id} has no token here (none in ${ctx.tokens.describeStore()}), and the platform issues one only ` +
      `once. To recover, mint one with an admin credential, POST ${mintUrl} (client.mintToken(adminToken) does ` +
      'it and saves it), or pass the token as MOLECULE_WORKSPACE_TOKEN (the `token` option).',
    { workspaceId: id, cause },
  );
}

/** `value` when it is a finite number, else `fallback`. */
function finiteOr(value: number | undefined, fallback: number): number {
  return Number.isFinite(value) ? (value as number) : fallback;
}

/**
 * `POST /registry/register`. Sends the known token as bearer when there is one (a workspace
 * created with a pre-minted token requires it; Python never sent it and got 401). Saves an issued
 * token through the store; keeps the known one when none is issued; throws TokenLostError when
 * there is neither.
 */
export async function register(ctx: ClientContext, options: CallOptions = {}): Promise<RegisterResult> {
  const url = ctx.reportedUrl || PLACEHOLDER_REPORTED_URL;
  // Whether this machine has used the workspace before: a token in the store says it has.
  const known = await ctx.tokens.get();
  const call: PlatformCall = {
    method: 'POST',
    path: '/registry/register',
    json: {
      id: ctx.workspaceId,
      url,
      agent_card: ctx.agentCard,
    },
    signal: options.signal,
  };
  let parsed: RegisterBody;
  try {
    parsed = await callPlatformJson(ctx, call, registerBodySchema);
  } catch (error) {
    if (error instanceof AuthenticationError && (await ctx.tokens.get()) === undefined)
      throw tokenLost(ctx, error);
    if (error instanceof BadRequestError) {
      throw new BadRequestError(`${error.message}; ${explainRegisterRefusal(url)}`, {
        ...error,
        cause: error,
      });
    }
    throw error;
  }
  const status = parsed.status ?? 'unknown';
  if (parsed.auth_token) {
    await ctx.tokens.set(parsed.auth_token);
    if (known === undefined) {
      // The platform creates a workspace for any id it does not know, so a mistyped id "works":
      // say once, plainly, that this id is new here (the saved token keeps it from repeating).
      ctx.logger.warn(
        `first registration of workspace ${ctx.workspaceId} from here: the platform issued a new token, ` +
          `saved to ${ctx.tokens.describeStore()}. If you meant an existing workspace, check the id: ` +
          'the platform creates a new workspace for an id it does not know',
      );
    } else {
      ctx.logger.info('platform issued a workspace token; saved it', {
        workspaceId: ctx.workspaceId,
        store: ctx.tokens.describeStore(),
      });
    }
    return { token: parsed.auth_token.trim(), issued: true, status };
  }
  const current = await ctx.tokens.get();
  if (current === undefined) throw tokenLost(ctx);
  return { token: current, issued: false, status };
}

/**
 * `POST /registry/heartbeat` with `workspace_id`, `current_task`, integer `active_tasks`,
 * `error_rate`, `sample_error` and integer `uptime_seconds` since the client was created.
 * Idempotent, so the `wide` retry preset may repeat it.
 */
export async function heartbeat(
  ctx: ClientContext,
  report: HeartbeatReport = {},
  options: CallOptions = {},
): Promise<void> {
  const json: Record<string, unknown> = {
    workspace_id: ctx.workspaceId,
    current_task: report.currentTask ?? '',
    active_tasks: Math.max(0, Math.trunc(finiteOr(report.activeTasks, 0))),
    error_rate: finiteOr(report.errorRate, 0),
    sample_error: report.sampleError ?? '',
    uptime_seconds: Math.max(
      0,
      Math.trunc(finiteOr(report.uptimeSeconds, (ctx.clock.now() - ctx.startedAtMs) / 1000)),
    ),
  };
  if (report.runtimeState !== undefined) json.runtime_state = report.runtimeState;
  if (report.monthlySpend !== undefined)
    json.monthly_spend = Math.max(0, Math.trunc(finiteOr(report.monthlySpend, 0)));
  if (report.runtimeMetadata !== undefined) json.runtime_metadata = report.runtimeMetadata;
  const call: PlatformCall = {
    method: 'POST',
    path: '/registry/heartbeat',
    json,
    idempotent: true,
    signal: options.signal,
  };
  await callPlatformJson(ctx, call, statusBodySchema);
}

/** `POST /registry/update-card`: publishes a new agent card (and remembers it for the next register). */
export async function updateCard(
  ctx: ClientContext,
  agentCard: Record<string, unknown>,
  options: CallOptions = {},
): Promise<void> {
  const call: PlatformCall = {
    method: 'POST',
    path: '/registry/update-card',
    json: { workspace_id: ctx.workspaceId, agent_card: agentCard },
    idempotent: true,
    signal: options.signal,
  };
  await callPlatformJson(ctx, call, statusBodySchema);
  ctx.agentCard = agentCard;
}

/**
 * `POST /workspaces/:id/tokens` with an admin credential (ADMIN_TOKEN or an org token): mints a new
 * workspace token, saves it through the store and uses it from now on. The way back after the
 * token was lost.
 */
export async function mintToken(
  ctx: ClientContext,
  adminToken: string,
  options: CallOptions = {},
): Promise<{ token: string }> {
  if (typeof adminToken === 'string') ctx.secrets.add(adminToken);
  if (typeof adminToken !== 'string' || !/^[\x21-\x7e]+$/.test(adminToken.trim())) {
    throw new ConfigError('mintToken needs a non-empty admin token without whitespace');
  }
  const call: PlatformCall = {
    method: 'POST',
    path: apiPath`/workspaces/${ctx.workspaceId}/tokens`,
    auth: { bearer: adminToken.trim() },
    signal: options.signal,
  };
  const body = await callPlatformJson(ctx, call, mintTokenBodySchema);
  await ctx.tokens.set(body.auth_token);
  ctx.logger.info('minted a new workspace token; saved it', { workspaceId: ctx.workspaceId });
  return { token: body.auth_token.trim() };
}
