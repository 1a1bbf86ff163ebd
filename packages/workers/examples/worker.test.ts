// test/worker.test.ts: src/worker.ts in workerd (vitest-pool-workers), against the simulator.

import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import type { AgentTickReport } from '@molecule-ai/agent-workers';
import { expect, inject, it } from 'vitest';
import worker, { type Env } from './worker.js';

declare module 'vitest' {
  interface ProvidedContext {
    platformUrl: string;
    adminToken: string;
  }
}

/** The simulator's admin API: what an operator does in the canvas. */
async function admin(path: string, init: RequestInit = {}): Promise<unknown> {
  const url = `${inject('platformUrl')}/admin/sim/workspaces${path}`;
  const headers = { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' };
  return (await fetch(url, { ...init, headers })).json();
}

/** One cron tick, as Cloudflare fires it. */
async function tick(agentEnv: Env): Promise<AgentTickReport> {
  const ctx = createExecutionContext();
  const report = await worker.tick(agentEnv, ctx);
  await waitOnExecutionContext(ctx);
  return report;
}

it('registers and heartbeats on its first tick, then answers a pushed message', async () => {
  const { id } = (await admin('', { method: 'POST', body: '{}' })) as { id: string }; // no token yet
  const agentEnv: Env = {
    AGENT_KV: env.AGENT_KV,
    PLATFORM_URL: inject('platformUrl'),
    WORKSPACE_ID: id,
    PUBLIC_URL: 'https://my-agent.example.workers.dev',
    PUSH_SECRET: 'a-secret-of-24-characters',
  };

  expect(await tick(agentEnv)).toMatchObject({ result: 'ran', registered: true });
  const { url, status } = (await admin(`/${id}`)) as { url: string; status: string };
  expect(status).toBe('online');
  expect(url).toBe('https://my-agent.example.workers.dev/a2a/a-secret-of-24-characters');

  // A canvas message, as the platform pushes it to the registered URL.
  const message = { role: 'user', messageId: 'm-1', parts: [{ kind: 'text', text: 'hello' }] };
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'message/send', params: { message } });
  const reply = await worker.fetch(
    new Request(url, { method: 'POST', body }),
    agentEnv,
    createExecutionContext(),
  );
  expect(await reply.json()).toMatchObject({
    result: { parts: [{ kind: 'text', text: 'You said: hello' }] },
  });
});
