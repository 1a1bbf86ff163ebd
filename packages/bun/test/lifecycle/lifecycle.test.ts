import { afterEach, beforeEach, describe, expect, it } from 'bun:test';
import { stat } from 'node:fs/promises';
import { createAgentClient } from '@molecule-ai/agent-core';
import {
  createFileCursorStore,
  createFileTokenStore,
  runAgentLoop,
  startPushDelivery,
} from '../../src/index.js';
import { type BunPlatform, requestLines, startBunPlatform, until } from '../helpers/platform.js';
import { makeTempDirectory, permissions } from '../helpers/temp-directory.js';

let temp: { path: string; remove(): Promise<void> };
let platform: BunPlatform;

beforeEach(async () => {
  temp = await makeTempDirectory('molecule-bun-lifecycle-');
});
afterEach(async () => {
  await platform.close();
  await temp.remove();
});

describe('full lifecycle on Bun against the platform simulator (served by Bun.serve)', () => {
  it('push: register → heartbeat → pushed message → reply → pause', async () => {
    // devMode lets the platform push to an agent on localhost.
    platform = startBunPlatform({ devMode: true });
    const { sim } = platform;
    const workspaceId = crypto.randomUUID();
    const tokenStore = createFileTokenStore({ directory: temp.path });
    const delivery = await startPushDelivery({ publicOrigin: 'http://localhost:{port}' });
    const client = createAgentClient({
      workspaceId,
      platformUrl: platform.url,
      tokenStore,
      reportedUrl: delivery.url,
      agentCard: { name: 'bun-echo' },
    });

    // Register: the platform issues the token once; it lands in a 0600 file.
    await client.register();
    const token = await tokenStore.load(workspaceId);
    expect(token).toHaveLength(43);
    expect(permissions((await stat(tokenStore.describe(workspaceId))).mode)).toBe(0o600);
    expect(sim.admin.workspace(workspaceId)?.url).toBe(delivery.url);

    const handled: string[] = [];
    const run = runAgentLoop(
      (message) => {
        handled.push(message.text);
        return `echo: ${message.text}`;
      },
      { client, delivery, heartbeatIntervalMs: 100, statePollIntervalMs: 100, stopSignals: [] },
    );

    // Heartbeat.
    await until(() => requestLines(sim).includes('POST /registry/heartbeat 200'), 'a heartbeat');
    expect(sim.admin.workspace(workspaceId)?.status).toBe('online');

    // Message from the canvas: pushed to Bun.serve, handled by the loop's handler, reply relayed.
    const reply = await sim.admin.sendCanvasMessage(workspaceId, 'hello from the canvas');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      result: { parts: [{ kind: 'text', text: 'echo: hello from the canvas' }] },
    });
    expect(handled).toEqual(['hello from the canvas']);
    expect(sim.admin.activity(workspaceId).at(-1)).toMatchObject({
      activity_type: 'a2a_receive',
      status: 'ok',
    });

    // Pause: the loop sees it on /state and stops, closing the push server.
    await sim.admin.pause(workspaceId);
    const exit = await run;
    expect(exit.reason).toBe('paused');
    expect(exit.lastStatus).toBe('paused');
    await expect(fetch(delivery.url, { method: 'POST', body: '{}' })).rejects.toThrow();
    // The token was only ever sent to the platform, and never appears in what it recorded.
    expect(JSON.stringify(sim.requests)).not.toContain(token!);
  });

  it('poll: register with the placeholder URL → heartbeat → polled message → reply → pause, cursor saved', async () => {
    platform = startBunPlatform({ allowPlaceholderUrl: true, activityFeed: 'cursor' });
    const { sim } = platform;
    const workspaceId = crypto.randomUUID();
    const tokenStore = createFileTokenStore({ directory: temp.path });
    const cursorStore = createFileCursorStore({ directory: temp.path });
    const client = createAgentClient({ workspaceId, platformUrl: platform.url, tokenStore });
    await client.register();

    const run = runAgentLoop((message) => `polled: ${message.text}`, {
      client,
      cursorStore,
      pollIntervalMs: 50,
      heartbeatIntervalMs: 100,
      statePollIntervalMs: 100,
      stopSignals: [],
    });
    await until(() => requestLines(sim).includes('POST /registry/heartbeat 200'), 'a heartbeat');

    // The platform cannot push to remote://no-inbound, so it parks the message as an activity row.
    const sent = await sim.admin.sendCanvasMessage(workspaceId, 'are you there?');
    expect(sent.status).toBe(202);
    await until(() => sim.admin.notifications(workspaceId).length > 0, 'the reply');
    expect(sim.admin.notifications(workspaceId)[0]).toMatchObject({ message: 'polled: are you there?' });

    await sim.admin.pause(workspaceId);
    expect((await run).reason).toBe('paused');
    const saved = await cursorStore.load(workspaceId);
    expect(saved?.cursor).not.toBeNull();
    expect(permissions((await stat(cursorStore.describe(workspaceId))).mode)).toBe(0o600);
  });
});
