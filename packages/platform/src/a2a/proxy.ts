/**
 * `proxyA2ARequest`: the path every platform-originated message takes to an agent (canvas,
 * peers, `/delegate`, queue drains). Checks run in the server's order: hierarchy → budget →
 * URL → URL safety → normalisation → dispatch.
 */
import { concatBytes } from '../bytes.js';
import type { SimCore } from '../core.js';
import { parseJsonStrict, toPlain } from '../go-bind.js';
import { canCommunicate } from '../hierarchy.js';
import { statusText } from '../http.js';
import { canonicalUuid } from '../ids.js';
import type { ActivityRow, QueueItem, WorkspaceRow } from '../store.js';
import { checkSafeUrl, isPlaceholderUrl } from '../url-safety.js';
import { classifyDispatchError } from './dispatch-error.js';
import { normaliseA2A } from './normalise.js';

/** Agent responses are read up to 10 MiB. */
export const MAX_AGENT_RESPONSE: number = 10 << 20;
/** Absolute ceiling for agent callers. */
const AGENT_CALLER_CEILING_MS = 30 * 60_000;

/** Caller ids that only server-side code may use; sent in a header they are refused. */
export function isSystemCaller(callerId: string): boolean {
  return ['webhook:', 'system:', 'test:', 'channel:'].some((p) => callerId.startsWith(p));
}

/** What the proxy produced. `error` carries the JSON body the handler writes. */
export type ProxyOutcome =
  | { kind: 'ok'; status: number; body: Uint8Array }
  | { kind: 'error'; status: number; body: Record<string, unknown>; headers?: Record<string, string> }
  | { kind: 'accepted'; status: 202; body: Record<string, unknown> };

/** Options of one proxied request. */
export interface ProxyOptions {
  logActivity: boolean;
  datastoreDown?: boolean;
  /** The busy-queue insert fails (an injected fault): busy → 503 with `Retry-After: 30`. */
  enqueueFails?: boolean;
  /** Set when draining the queue: busy failures are not re-queued. */
  fromQueue?: QueueItem;
  /** Set when the request comes from `/delegate` (carried into the queue). */
  delegation?: { sourceId: string; delegationId: string };
}

const err = (
  status: number,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
): ProxyOutcome => (headers ? { kind: 'error', status, body, headers } : { kind: 'error', status, body });

/** Runs the proxy for one request body (already capped at 1 MiB by the caller). */
export async function proxyA2ARequest(
  core: SimCore,
  targetId: string,
  bodyText: string,
  callerId: string,
  opts: ProxyOptions,
): Promise<ProxyOutcome> {
  if (callerId && callerId !== targetId && !isSystemCaller(callerId)) {
    if (opts.datastoreDown || !canCommunicate(core.store, callerId, targetId)) {
      return err(403, { error: 'access denied: workspaces cannot communicate per hierarchy rules' });
    }
  }
  const target = core.store.find(targetId);
  if (target && target.budgetLimit !== null && target.monthlySpend >= target.budgetLimit) {
    return err(402, { error: 'workspace budget limit exceeded' });
  }
  if (opts.datastoreDown || !canonicalUuid(targetId)) return err(500, { error: 'lookup failed' });
  if (!target) return err(404, { error: 'workspace not found' });
  if (target.url === '') {
    if (target.status === 'hibernated') {
      target.status = 'provisioning'; // the server triggers an async restart
      return err(
        503,
        {
          error: 'workspace is waking from hibernation — retry in ~15 seconds',
          waking: true,
          retry_after: 15,
        },
        { 'Retry-After': '15' },
      );
    }
    return err(503, { error: 'workspace has no URL', status: target.status });
  }
  const pollOnly = core.options.allowPlaceholderUrl && isPlaceholderUrl(target.url);
  if (!pollOnly && (await checkSafeUrl(target.url, core.urlPolicy)) !== null) {
    return err(502, { error: 'workspace URL is not publicly routable' });
  }
  const normalised = normaliseA2A(bodyText, () => core.newId());
  if (!normalised) return err(400, { error: 'invalid JSON' });

  if (pollOnly) {
    // Simulator extension (newer servers' poll delivery): park the message as an activity row.
    // The answer has the shape of the real server's 202 "queued" body, so clients that already
    // understand a queued message (the caller never gets the answer in this response) need nothing new.
    const row = writeReceiveRow(core, target, callerId, normalised.method, normalised.payload, {
      summary: `${normalised.method} → ${target.name}`,
      durationMs: 0,
      status: 'ok',
    });
    return {
      kind: 'accepted',
      status: 202,
      body: {
        queued: true,
        queue_id: row.id,
        message: 'workspace polls for messages — request stored in its activity feed',
        delivery: 'poll',
        activity_id: row.id,
        status: 'queued',
      },
    };
  }
  return dispatch(core, target, normalised.text, normalised.payload, normalised.method, callerId, opts);
}

async function dispatch(
  core: SimCore,
  target: WorkspaceRow,
  text: string,
  payload: Record<string, unknown>,
  method: string,
  callerId: string,
  opts: ProxyOptions,
): Promise<ProxyOutcome> {
  const controller = new AbortController();
  let abortReason: string | null = null;
  const idleMs = target.idleTimeoutMs ?? core.options.a2aIdleTimeoutMs;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const armIdle = (): void => {
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      abortReason = 'context canceled';
      controller.abort();
    }, idleMs);
  };
  armIdle();
  const unsubscribe = core.events.subscribe(target.id, armIdle);
  const ceiling = callerId
    ? setTimeout(() => {
        abortReason = 'context deadline exceeded';
        controller.abort();
      }, AGENT_CALLER_CEILING_MS)
    : undefined;
  const cleanup = (): void => {
    unsubscribe();
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    if (ceiling !== undefined) clearTimeout(ceiling);
  };

  const started = core.now();
  let res: Response;
  try {
    res = await core.options.pushFetch(target.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Go-http-client/1.1',
        'Accept-Encoding': 'gzip',
      },
      body: text,
      signal: controller.signal,
      redirect: 'follow',
    });
  } catch (e) {
    cleanup();
    const failure = classifyDispatchError(target.url, e, abortReason);
    return dispatchFailed(core, target, payload, method, callerId, opts, failure, core.now() - started, text);
  }

  let body: Uint8Array;
  let readFailed = false;
  try {
    body = await readCapped(res, MAX_AGENT_RESPONSE);
  } catch {
    body = new Uint8Array(0);
    readFailed = true;
  }
  cleanup();
  const durationMs = core.now() - started;
  const deliveryConfirmed = res.status >= 200 && res.status < 400;
  if (opts.logActivity && (!readFailed || deliveryConfirmed)) {
    logSuccess(core, target, callerId, payload, method, body, res.status, durationMs);
  }
  if (readFailed) {
    return err(502, { error: 'failed to read agent response', delivery_confirmed: deliveryConfirmed });
  }
  if (res.status >= 300) {
    let message = '';
    try {
      const top = JSON.parse(new TextDecoder().decode(body)) as unknown;
      if (top && typeof top === 'object' && typeof (top as { error?: unknown }).error === 'string') {
        message = (top as { error: string }).error;
      }
    } catch {
      // not JSON: fall back to the status text
    }
    return err(res.status, { error: message || statusText(res.status) });
  }
  return { kind: 'ok', status: res.status, body };
}

async function readCapped(res: Response, cap: number): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < cap) {
    const { done, value } = await reader.read();
    if (done) break;
    const take = value.subarray(0, Math.min(value.byteLength, cap - total));
    chunks.push(take);
    total += take.byteLength;
  }
  if (total >= cap) await reader.cancel().catch(() => {});
  return concatBytes(chunks);
}

function logSuccess(
  core: SimCore,
  target: WorkspaceRow,
  callerId: string,
  payload: Record<string, unknown>,
  method: string,
  body: Uint8Array,
  status: number,
  durationMs: number,
): void {
  let response: unknown = null;
  try {
    response = toPlain(parseJsonStrict(new TextDecoder().decode(body)));
  } catch {
    // LogActivity's json.Marshal of an invalid RawMessage fails and falls back to "null".
  }
  writeReceiveRow(core, target, callerId, method, payload, {
    summary: `${method} → ${target.name}`,
    responseBody: response,
    durationMs,
    status: status >= 400 ? 'error' : 'ok',
  });
}

/** The `a2a_receive` row written on the target (`logA2ASuccess` / `logA2AFailure` / poll delivery). */
function writeReceiveRow(
  core: SimCore,
  target: WorkspaceRow,
  callerId: string,
  method: string,
  payload: Record<string, unknown>,
  fields: {
    summary: string;
    durationMs: number;
    status: string;
    responseBody?: unknown;
    errorDetail?: string;
  },
): ActivityRow {
  return core.writeActivity({
    workspaceId: target.id,
    activityType: 'a2a_receive',
    sourceId: callerId || null,
    targetId: target.id,
    method,
    requestBody: payload,
    ...fields,
    errorDetail: fields.errorDetail ?? null,
  });
}

function dispatchFailed(
  core: SimCore,
  target: WorkspaceRow,
  payload: Record<string, unknown>,
  method: string,
  callerId: string,
  opts: ProxyOptions,
  failure: { busy: boolean; message: string },
  durationMs: number,
  text: string,
): ProxyOutcome {
  const containerDead = core.options.dockerProvisioner && target.runtime !== 'external';
  if (containerDead && !['removed', 'provisioning'].includes(target.status)) {
    target.status = 'offline';
    target.livenessExpiresAt = null;
  }
  if (opts.logActivity) {
    writeReceiveRow(core, target, callerId, method, payload, {
      summary: `A2A request to ${target.name} failed: ${failure.message}`,
      durationMs,
      status: 'error',
      errorDetail: failure.message,
    });
  }
  if (containerDead) {
    return err(503, { error: 'workspace agent unreachable — container restart triggered', restarting: true });
  }
  if (!failure.busy) return err(502, { error: 'failed to reach workspace agent' });
  if (target.capabilities.session === true) {
    return err(
      503,
      {
        error: 'workspace agent busy — adapter handles retry (native_session)',
        busy: true,
        retry_after: 30,
        native_session: true,
      },
      { 'Retry-After': '30' },
    );
  }
  if (opts.fromQueue)
    return err(503, { error: 'workspace agent busy — retry after a short backoff', busy: true });
  if (opts.enqueueFails) {
    return err(
      503,
      { error: 'workspace agent busy — retry after a short backoff', busy: true, retry_after: 30 },
      { 'Retry-After': '30' },
    );
  }
  const item: QueueItem = {
    id: core.newId(),
    workspaceId: target.id,
    callerId,
    body: text,
    attempts: 0,
    createdAt: core.now(),
    ...(opts.delegation ? { delegation: opts.delegation } : {}),
  };
  core.store.queue.push(item);
  const depth = core.store.queue.filter((q) => q.workspaceId === target.id).length;
  return {
    kind: 'accepted',
    status: 202,
    body: {
      queued: true,
      queue_id: item.id,
      queue_depth: depth,
      message: 'workspace agent busy — request queued, will dispatch when capacity available',
    },
  };
}
