/**
 * The background half of `/delegate` (`executeDelegation`): push the task to the target
 * through the proxy with the source as caller, retry once on a transient error, then record
 * the result on the source workspace.
 */
import type { SimCore } from '../core.js';
import { goJson } from '../go-json.js';
import type { ActivityRow } from '../store.js';
import { type ProxyOutcome, proxyA2ARequest } from './proxy.js';

function truncate(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : `${chars.slice(0, n).join('')}...`;
}

/** The delegation's tracking row (`method='delegate'`) on the source workspace. */
export function findDelegationRow(
  core: SimCore,
  sourceId: string,
  delegationId: string,
): ActivityRow | undefined {
  return core.store.activity.find(
    (r) =>
      r.workspaceId === sourceId &&
      r.method === 'delegate' &&
      (r.requestBody as { delegation_id?: string } | undefined)?.delegation_id === delegationId,
  );
}

function setStatus(core: SimCore, sourceId: string, delegationId: string, status: string, detail = ''): void {
  const row = findDelegationRow(core, sourceId, delegationId);
  if (!row) return;
  row.status = status;
  if (detail) row.errorDetail = detail;
}

/**
 * `extractResponseText`: text parts of `result.parts[]` or `result.artifacts[].parts[]` with
 * `kind == "text"` (kind only); otherwise the raw body.
 */
export function extractResponseText(body: Uint8Array): string {
  const raw = new TextDecoder().decode(body);
  try {
    const top = JSON.parse(raw) as { result?: { parts?: unknown; artifacts?: unknown } };
    const texts: string[] = [];
    const collect = (parts: unknown): void => {
      if (!Array.isArray(parts)) return;
      for (const p of parts) {
        const part = p as { kind?: unknown; text?: unknown };
        if (part?.kind === 'text' && typeof part.text === 'string') texts.push(part.text);
      }
    };
    collect(top?.result?.parts);
    if (Array.isArray(top?.result?.artifacts)) {
      for (const a of top.result.artifacts as Array<{ parts?: unknown }>) collect(a?.parts);
    }
    if (texts.length > 0) return texts.join('\n');
  } catch {
    // fall through to the raw body
  }
  return raw;
}

/** Records a completed delegation (result row + status). */
export function completeDelegation(
  core: SimCore,
  sourceId: string,
  targetId: string,
  delegationId: string,
  body: Uint8Array,
): void {
  const text = extractResponseText(body);
  core.writeActivity({
    workspaceId: sourceId,
    activityType: 'delegation',
    sourceId,
    targetId,
    method: 'delegate_result',
    summary: `Delegation completed (${truncate(text, 80)})`,
    responseBody: { text, delegation_id: delegationId },
    durationMs: null,
    status: 'completed',
    errorDetail: null,
  });
  setStatus(core, sourceId, delegationId, 'completed');
}

/** Records a failed delegation (result row + status). */
export function failDelegation(
  core: SimCore,
  sourceId: string,
  targetId: string,
  delegationId: string,
  message: string,
): void {
  setStatus(core, sourceId, delegationId, 'failed', message);
  core.writeActivity({
    workspaceId: sourceId,
    activityType: 'delegation',
    sourceId,
    targetId,
    method: 'delegate_result',
    summary: 'Delegation failed',
    durationMs: null,
    status: 'failed',
    errorDetail: message,
  });
}

function isTransient(o: ProxyOutcome): boolean {
  return o.kind === 'error' && (o.status === 502 || o.status === 503);
}

/** The A2A body `/delegate` sends: parts use `type:"text"`, messageId = delegation id. */
export function delegationBody(core: SimCore, delegationId: string, task: string): string {
  return goJson({
    jsonrpc: '2.0',
    id: core.newId(),
    method: 'message/send',
    params: {
      message: {
        role: 'user',
        messageId: delegationId,
        parts: [{ type: 'text', text: task }],
        metadata: { delegation_id: delegationId },
      },
    },
  });
}

/** Runs one delegation in the background. */
export async function executeDelegation(
  core: SimCore,
  sourceId: string,
  targetId: string,
  delegationId: string,
  task: string,
  tracked: boolean,
): Promise<void> {
  if (tracked) setStatus(core, sourceId, delegationId, 'dispatched');
  const body = delegationBody(core, delegationId, task);
  const send = (): Promise<ProxyOutcome> =>
    proxyA2ARequest(core, targetId, body, sourceId, {
      logActivity: true,
      delegation: { sourceId, delegationId },
    });
  let outcome = await send();
  if (isTransient(outcome)) {
    await new Promise((r) => setTimeout(r, core.options.delegationRetryDelayMs));
    outcome = await send();
  }
  if (!tracked) return;
  if (outcome.kind === 'ok') completeDelegation(core, sourceId, targetId, delegationId, outcome.body);
  else if (outcome.kind === 'accepted') setStatus(core, sourceId, delegationId, 'queued');
  else
    failDelegation(core, sourceId, targetId, delegationId, String(outcome.body.error ?? 'proxy a2a error'));
}
