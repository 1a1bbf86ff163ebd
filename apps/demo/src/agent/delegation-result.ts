import { type AgentClient, TimeoutError } from '@molecule-ai/agent-core';
import { systemClock } from '@molecule-ai/agent-core/ports';

/** How a delegation ended, read from the platform's `delegation` activity rows. */
export interface DelegationResult {
  status: 'completed' | 'failed';
  /** The delegate's answer text, or the failure detail. */
  text: string;
}

function resultOf(row: Record<string, unknown>, delegationId: string): DelegationResult | null {
  if (row.method !== 'delegate_result') return null;
  const body = (row.response_body ?? {}) as { delegation_id?: unknown; text?: unknown };
  if (body.delegation_id !== undefined && body.delegation_id !== delegationId) return null;
  if (row.status === 'completed')
    return { status: 'completed', text: typeof body.text === 'string' ? body.text : '' };
  if (row.status === 'failed') {
    return { status: 'failed', text: typeof row.error_detail === 'string' ? row.error_detail : 'failed' };
  }
  return null;
}

/**
 * Waits for the result of a delegation. The platform runs `/delegate` in the background and
 * records the outcome as a `delegate_result` row of type `delegation` on the delegating
 * workspace's activity feed; this polls the feed for it.
 */
export async function waitForDelegationResult(
  client: AgentClient,
  delegationId: string,
  options: { signal?: AbortSignal; timeoutMs?: number; intervalMs?: number } = {},
): Promise<DelegationResult> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const rows = await client.fetchActivity({
      type: 'delegation',
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for (const row of rows) {
      const result = resultOf(row as Record<string, unknown>, delegationId);
      if (result) return result;
    }
    if (Date.now() > deadline) {
      throw new TimeoutError(`no result for delegation ${delegationId} yet`, {
        method: 'GET',
        path: 'activity',
      });
    }
    await systemClock.sleep(options.intervalMs ?? 100, options.signal);
  }
}
