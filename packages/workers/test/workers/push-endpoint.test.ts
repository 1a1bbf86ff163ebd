import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { ConfigError } from '@molecule-ai/agent-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineAgentWorker } from '../../src/index.js';
import { kvWorker as worker } from './fixture-worker.js';
import { clock, sim, simFetch } from './support/platform.js';

const PUSH_PATH = `/a2a/${env.PUSH_SECRET}`;

async function notificationsEventually(id: string, count: number): Promise<string[]> {
  // The notify runs in waitUntil after the response; give the isolate turns until it lands.
  for (let turn = 0; turn < 200 && sim.admin.notifications(id).length < count; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return sim.admin.notifications(id).map((n) => n.message);
}

describe('the push endpoint of a Worker agent (SELF, simulator)', () => {
  beforeAll(async () => {
    // The fixture worker's workspace, registered by one cron tick through the real entry point.
    if (!sim.admin.workspace(env.WORKSPACE_ID)) {
      await sim.admin.createWorkspace({
        id: env.WORKSPACE_ID,
        external: true,
        url: 'https://agent.example/',
      });
    }
    const ctx = createExecutionContext();
    expect(await worker.tick(env, ctx)).toMatchObject({ result: 'ran' });
    await waitOnExecutionContext(ctx);
  });

  it('registered its capability URL with the platform', () => {
    expect(sim.admin.workspace(env.WORKSPACE_ID)?.url).toBe(`https://agent.example${PUSH_PATH}`);
  });

  it('answers a message pushed by the platform with a JSON-RPC reply from the handler', async () => {
    const { status, body } = await sim.admin.sendCanvasMessage(env.WORKSPACE_ID, 'ping');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      jsonrpc: '2.0',
      result: { kind: 'message', role: 'agent', parts: [{ kind: 'text', text: 'echo: ping' }] },
    });
  });

  it('answers a direct JSON-RPC request on the path and on <path>/a2a', async () => {
    for (const path of [PUSH_PATH, `${PUSH_PATH}/a2a`]) {
      const response = await SELF.fetch(`https://agent.example${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 7,
          method: 'message/send',
          params: {
            message: { role: 'user', messageId: 'm-1', parts: [{ type: 'text', text: 'legacy part' }] },
          },
        }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { id: number; result: { parts: { text: string }[] } };
      expect(body.id).toBe(7);
      expect(body.result.parts[0]?.text).toBe('echo: legacy part');
    }
  });

  it('keeps working after the response through waitUntil', async () => {
    const before = sim.admin.notifications(env.WORKSPACE_ID).length;
    const { body } = await sim.admin.sendCanvasMessage(env.WORKSPACE_ID, 'later:job-42');
    expect(body).toMatchObject({ result: { parts: [{ text: 'echo: later:job-42' }] } });
    expect(await notificationsEventually(env.WORKSPACE_ID, before + 1)).toContain('done with job-42');
  });

  it('answers 404 off the capability path and 405 for GET on it', async () => {
    expect(
      (await SELF.fetch('https://agent.example/a2a/guessed-secret', { method: 'POST', body: '{}' })).status,
    ).toBe(404);
    expect((await SELF.fetch('https://agent.example/')).status).toBe(404);
    expect((await SELF.fetch(`https://agent.example${PUSH_PATH}`)).status).toBe(405);
  });

  it('answers JSON-RPC errors for bad requests, not a crash', async () => {
    const response = await SELF.fetch(`https://agent.example${PUSH_PATH}`, {
      method: 'POST',
      body: 'not json',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
  });

  it('a poll-only agent serves no push endpoint', async () => {
    const pollOnly = defineAgentWorker<Cloudflare.Env>({
      workspaceId: (e) => e.WORKSPACE_ID,
      platformUrl: (e) => e.PLATFORM_URL,
      kv: (e) => e.AGENT_KV,
      platformFetch: () => simFetch,
      clock,
      handler: () => 'never',
    });
    const response = await pollOnly.fetch(
      new Request(`https://agent.example${PUSH_PATH}`, { method: 'POST', body: '{}' }),
      env,
      createExecutionContext(),
    );
    expect(response.status).toBe(404);
  });

  it('rejects a push secret that is too short to be a capability, with ConfigError', async () => {
    const weak = defineAgentWorker<Cloudflare.Env>({
      workspaceId: (e) => e.WORKSPACE_ID,
      platformUrl: (e) => e.PLATFORM_URL,
      kv: (e) => e.AGENT_KV,
      push: { url: (e) => e.PUBLIC_URL, secret: () => 'short' },
      handler: () => 'x',
    });
    await expect(
      weak.fetch(new Request('https://agent.example/a2a/short'), env, createExecutionContext()),
    ).rejects.toThrow(ConfigError);
  });

  it('a kv option that returns no KV namespace is a ConfigError naming the option', async () => {
    const unbound = defineAgentWorker<Cloudflare.Env>({
      workspaceId: (e) => e.WORKSPACE_ID,
      platformUrl: (e) => e.PLATFORM_URL,
      kv: () => undefined as unknown as Cloudflare.Env['AGENT_KV'],
      push: { url: (e) => e.PUBLIC_URL, secret: () => 'a-long-enough-push-secret' },
      handler: () => 'x',
    });
    await expect(
      unbound.fetch(new Request('https://agent.example/a2a/x'), env, createExecutionContext()),
    ).rejects.toThrow(/^kv\(env\) did not return a KV namespace$/);
  });

  it('push without a public URL is a ConfigError naming push.url, since nothing could reach the agent', async () => {
    const unreachable = defineAgentWorker<Cloudflare.Env>({
      workspaceId: (e) => e.WORKSPACE_ID,
      platformUrl: (e) => e.PLATFORM_URL,
      kv: (e) => e.AGENT_KV,
      push: { url: () => '', secret: () => 'a-long-enough-push-secret' },
      handler: () => 'x',
    });
    await expect(
      unreachable.fetch(new Request('https://agent.example/a2a/x'), env, createExecutionContext()),
    ).rejects.toThrow(/^push\.url\(env\) returned nothing$/);
  });

  it('answers 503 once the agent has stopped (paused), and registers no new URL', async () => {
    await sim.admin.pause(env.WORKSPACE_ID);
    clock.advance(60_000);
    const ctx = createExecutionContext();
    expect(await worker.tick(env, ctx)).toMatchObject({ result: 'ran', stopReason: 'paused' });
    await waitOnExecutionContext(ctx);

    const response = await SELF.fetch(`https://agent.example${PUSH_PATH}`, {
      method: 'POST',
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'message/send',
        params: { message: { parts: [] } },
      }),
    });
    expect(response.status).toBe(503);
    expect(sim.admin.workspace(env.WORKSPACE_ID)?.url).toBe('');
  });
});
