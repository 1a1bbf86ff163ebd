import { join } from 'node:path';
import { ConfigError } from '@molecule-ai/agent-core';
import { createMemoryCursorStore } from '@molecule-ai/agent-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AgentEvent, createAgentClient, createFileTokenStore, runAgent } from '../../src/index.js';
import { startSim, until } from '../sim.js';
import { makeTempDirectory } from '../stores/helpers.js';

let home: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  home = await makeTempDirectory('molecule-run-agent-');
});
afterEach(async () => {
  await home.remove();
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('runAgent (in process)', () => {
  it('polls, answers with the handler, keeps the token in the token file, and stops on its signal', async () => {
    const harness = await startSim();
    try {
      const created = await harness.sim.admin.createWorkspace({ external: true, url: 'http://localhost:1' });
      const controller = new AbortController();
      const events: AgentEvent[] = [];
      const env = {
        MOLECULE_PLATFORM_URL: harness.url,
        MOLECULE_WORKSPACE_ID: created.id,
        MOLECULE_TOKEN_DIR: home.path,
        MOLECULE_POLL_INTERVAL: '0.05',
      };
      const running = runAgent((message) => `echo: ${message.text}`, {
        env,
        logger: quiet,
        stopSignals: [],
        signal: controller.signal,
        onEvent: (event) => events.push(event),
      });
      await until(() => events.some((event) => event.type === 'connected'), 'connected');
      expect(events[0]).toMatchObject({
        type: 'connected',
        delivery: 'poll',
        pollIntervalMs: 50,
        workspaceId: created.id,
      });
      await harness.sim.admin.sendCanvasMessage(created.id, 'hi');
      await until(
        () => harness.sim.admin.notifications(created.id).some((n) => JSON.stringify(n).includes('echo: hi')),
        'the reply',
      );
      controller.abort();
      const exit = await running;
      expect(exit).toMatchObject({ reason: 'aborted', signal: null });
      expect(events.find((event) => event.type === 'message')).toMatchObject({
        status: 'handled',
        source: 'canvas_user',
      });
      // The issued token went to the token file under MOLECULE_TOKEN_DIR.
      expect(await createFileTokenStore({ directory: home.path }).load(created.id)).toMatch(/\S{20,}/);
    } finally {
      await harness.close();
    }
  });

  it('serves pushes on a loopback address, registering http://localhost:<port> with a stock platform', async () => {
    // No placeholder allowed: only a reachable http(s) URL registers; dev mode lets the platform push to loopback.
    const harness = await startSim({ allowPlaceholderUrl: false, devMode: true });
    try {
      const created = await harness.sim.admin.createWorkspace({ external: true });
      const controller = new AbortController();
      const events: AgentEvent[] = [];
      const running = runAgent(async (message) => `pushed: ${message.text}`, {
        env: {},
        platformUrl: harness.url,
        workspaceId: created.id,
        token: created.token,
        tokenDir: home.path,
        listen: '127.0.0.1:0',
        logger: quiet,
        stopSignals: [],
        signal: controller.signal,
        onEvent: (event) => events.push(event),
      });
      await until(() => events.some((event) => event.type === 'connected'), 'connected');
      const connected = events[0] as Extract<AgentEvent, { type: 'connected' }>;
      expect(connected.delivery).toBe('push');
      expect(connected.publicOrigin).toMatch(/^http:\/\/localhost:\d+$/);
      expect(harness.sim.admin.workspace(created.id)?.url).toMatch(
        /^http:\/\/localhost:\d+\/a2a\/[\w-]{32}$/,
      );
      const answer = await harness.sim.admin.sendCanvasMessage(created.id, 'ping');
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).toContain('pushed: ping');
      expect(events.find((event) => event.type === 'message')).toMatchObject({
        delivery: 'push',
        status: 'handled',
      });
      controller.abort();
      expect((await running).reason).toBe('aborted');
    } finally {
      await harness.close();
    }
  });

  it('resolves with the platform decision: a paused workspace ends the agent with reason paused', async () => {
    const harness = await startSim();
    try {
      const created = await harness.sim.admin.createWorkspace({ external: true });
      const running = runAgent(() => undefined, {
        env: {},
        platformUrl: harness.url,
        workspaceId: created.id,
        token: created.token,
        cursorStore: createMemoryCursorStore(),
        tokenDir: home.path,
        statePollIntervalMs: 20,
        logger: quiet,
        stopSignals: [],
        onEvent: (event) => {
          if (event.type === 'connected') void harness.sim.admin.pause(created.id);
        },
      });
      expect(await running).toMatchObject({ reason: 'paused', signal: null });
    } finally {
      await harness.close();
    }
  });

  it('a register refused because of the poll-only placeholder rejects with the ways out', async () => {
    const harness = await startSim({ allowPlaceholderUrl: false });
    try {
      const created = await harness.sim.admin.createWorkspace({ external: true });
      const error = await runAgent(() => undefined, {
        env: {
          MOLECULE_PLATFORM_URL: harness.url,
          MOLECULE_WORKSPACE_ID: created.id,
          MOLECULE_WORKSPACE_TOKEN: created.token!,
        },
        tokenDir: home.path,
        logger: quiet,
        stopSignals: [],
      }).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/poll-only placeholder.*MOLECULE_PUBLIC_URL/);
    } finally {
      await harness.close();
    }
  });

  it('checks settings before any I/O and names the source', async () => {
    await expect(runAgent(() => undefined, { env: {} })).rejects.toThrowError(
      'missing the platform URL: set MOLECULE_PLATFORM_URL or pass the platformUrl option',
    );
    await expect(
      runAgent(() => undefined, {
        env: { MOLECULE_PLATFORM_URL: 'http://127.0.0.1:9', MOLECULE_WORKSPACE_ID: 'not-a-uuid' },
      }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('createAgentClient (runtime)', () => {
  it('reads MOLECULE_* and keeps an issued token in the token file under tokenDir', async () => {
    const harness = await startSim();
    try {
      const created = await harness.sim.admin.createWorkspace({ external: true, url: 'http://localhost:1' });
      const client = createAgentClient({
        env: {
          MOLECULE_PLATFORM_URL: harness.url,
          MOLECULE_WORKSPACE_ID: created.id,
          MOLECULE_AGENT_NAME: 'reader',
        },
        tokenDir: join(home.path, 'tokens'),
        logger: quiet,
      });
      expect(client.workspaceId).toBe(created.id);
      expect(client.agentCard).toEqual({ name: 'reader' });
      const result = await client.register();
      expect(result.issued).toBe(true);
      expect(await createFileTokenStore({ directory: join(home.path, 'tokens') }).load(created.id)).toBe(
        result.token,
      );
      expect((await client.pollState()).status).toBe('online');
    } finally {
      await harness.close();
    }
  });

  it('an option wins over its variable, and a bad variable is a ConfigError naming it', () => {
    const id = '0b9f6a3e-5c1d-4e7a-9b2f-3c4d5e6f7a8b';
    const client = createAgentClient({
      env: { MOLECULE_PLATFORM_URL: 'https://env.example', MOLECULE_WORKSPACE_ID: 'bad' },
      platformUrl: 'https://option.example',
      workspaceId: id,
      logger: quiet,
    });
    expect(client.platformUrl).toBe('https://option.example');
    expect(() =>
      createAgentClient({
        env: { MOLECULE_PLATFORM_URL: 'https://x.example', MOLECULE_WORKSPACE_ID: 'bad' },
      }),
    ).toThrowError(/^MOLECULE_WORKSPACE_ID must be a workspace id/);
  });
});
