import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { expect, inject, it } from 'vitest';
import handlerWorker from './handler.js';
import withRoutes from './with-routes.js';
import agent, { type Env } from './worker.js';

// The README's other Workers samples, against the simulator that platform.setup.ts serves on a
// local port (worker.test.ts, itself a README sample, runs the one-minute agent).
const platformUrl = inject('platformUrl');
const asAdmin = { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' };

async function newWorkspaceEnv(): Promise<Env> {
  const created = await fetch(`${platformUrl}/admin/sim/workspaces`, {
    method: 'POST',
    headers: asAdmin,
    body: '{}',
  });
  const { id } = (await created.json()) as { id: string };
  return {
    AGENT_KV: env.AGENT_KV,
    PLATFORM_URL: platformUrl,
    WORKSPACE_ID: id,
    PUBLIC_URL: 'https://examples.test',
    PUSH_SECRET: 'the-readme-examples-secret',
  };
}

function messageSend(text: string): RequestInit {
  const message = { role: 'user', messageId: crypto.randomUUID(), parts: [{ kind: 'text', text }] };
  return {
    method: 'POST',
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'message/send', params: { message } }),
  };
}

it('handler.ts: the reply uses env and client; the notify it leaves to waitUntil reaches the canvas', async () => {
  const agentEnv = await newWorkspaceEnv();
  const first = createExecutionContext();
  expect(await handlerWorker.tick(agentEnv, first)).toMatchObject({ registered: true });
  await waitOnExecutionContext(first);

  const ctx = createExecutionContext();
  const reply = await handlerWorker.fetch(
    new Request('https://examples.test/a2a/the-readme-examples-secret', messageSend('hello')),
    agentEnv,
    ctx,
  );
  // Root workspaces see each other as peers: how many depends on the other test files' workspaces.
  const { result } = (await reply.json()) as { result: { parts: { text: string }[] } };
  expect(result.parts[0]?.text).toMatch(
    new RegExp(`^${agentEnv.WORKSPACE_ID.slice(0, 8)} heard "hello" with \\d+ peers around$`),
  );
  await waitOnExecutionContext(ctx);
  const notifications = await fetch(
    `${platformUrl}/admin/sim/workspaces/${agentEnv.WORKSPACE_ID}/notifications`,
    {
      headers: asAdmin,
    },
  );
  expect(await notifications.json()).toMatchObject([{ message: 'working on it… (pushed)' }]);
});

it('with-routes.ts: /health is its own route; every other request is the agent’s', async () => {
  const agentEnv = await newWorkspaceEnv();
  const ctx = createExecutionContext();
  const health = await withRoutes.fetch(new Request('https://examples.test/health'), agentEnv, ctx);
  expect(await health.text()).toBe('ok');
  const elsewhere = await withRoutes.fetch(
    new Request('https://examples.test/a2a/not-the-secret', messageSend('hi')),
    agentEnv,
    ctx,
  );
  expect(elsewhere.status).toBe(404);
  expect(withRoutes.scheduled).toBe(agent.scheduled);
});
