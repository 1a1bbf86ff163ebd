import { afterEach, beforeEach, describe, expect, it } from 'bun:test';
import { type AgentEvent, createAgentClient, createFileTokenStore, runAgent } from '../../src/index.js';
import { fixturePath, startBunScript } from '../helpers/bun-child.js';
import { type BunPlatform, startBunPlatform, until } from '../helpers/platform.js';
import { makeTempDirectory } from '../helpers/temp-directory.js';

let temp: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  temp = await makeTempDirectory('molecule-bun-run-agent-');
});
afterEach(async () => {
  await temp.remove();
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('runAgent in a Bun process', () => {
  let platform: BunPlatform;
  beforeEach(() => {
    platform = startBunPlatform({ allowPlaceholderUrl: true });
  });
  afterEach(async () => {
    await platform.close();
  });

  it('answers, shows a throwing handler on stderr by default, and a real SIGTERM ends it cleanly', async () => {
    const created = await platform.sim.admin.createWorkspace({ external: true });
    const agent = startBunScript(fixturePath('run-agent'), [], {
      PATH: process.env.PATH ?? '',
      HOME: temp.path,
      MOLECULE_PLATFORM_URL: platform.url,
      MOLECULE_WORKSPACE_ID: created.id,
      MOLECULE_WORKSPACE_TOKEN: created.token!,
      MOLECULE_TOKEN_DIR: `${temp.path}/tokens`,
      MOLECULE_POLL_INTERVAL: '0.05',
    });
    await agent.waitForLine((line) => line.includes('"type":"connected"'));
    await platform.sim.admin.sendCanvasMessage(created.id, 'fail');
    await platform.sim.admin.sendCanvasMessage(created.id, 'hello');
    await until(
      () => platform.sim.admin.notifications(created.id).some((n) => n.message === 'echo: hello'),
      'the reply',
    );
    await agent.waitForLine((line) => line.includes('"status":"failed"'));
    agent.process.kill('SIGTERM');
    const result = await agent.done;
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('[molecule] error: message handler failed');
    expect(result.stderr).toContain('handler exploded on purpose');
    const last = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(last).toMatchObject({ type: 'exit', reason: 'aborted', signal: 'SIGTERM' });
    // The cursor went next to the token, under MOLECULE_TOKEN_DIR.
    expect(await Bun.file(`${temp.path}/tokens/${created.id}/inbound-cursor.json`).exists()).toBe(true);
  }, 30_000);

  it('a valid but unknown workspace id is announced once on stderr', async () => {
    const typo = crypto.randomUUID();
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: temp.path,
      MOLECULE_PLATFORM_URL: platform.url,
      MOLECULE_WORKSPACE_ID: typo,
      MOLECULE_TOKEN_DIR: temp.path,
      MOLECULE_MAX_ITERATIONS: '1',
    };
    const first = await startBunScript(fixturePath('run-agent'), [], env).done;
    expect(first.exitCode).toBe(0);
    expect(first.stderr).toContain(`[molecule] warn: first registration of workspace ${typo} from here`);
    const second = await startBunScript(fixturePath('run-agent'), [], env).done;
    expect(second.stderr).not.toContain('first registration');
  }, 30_000);
});

describe('runAgent with pushes (Bun.serve)', () => {
  it('serves pushes on loopback and registers http://localhost:<port> with a stock platform', async () => {
    const platform = startBunPlatform({ devMode: true });
    try {
      const created = await platform.sim.admin.createWorkspace({ external: true });
      const controller = new AbortController();
      const events: AgentEvent[] = [];
      const running = runAgent((message) => `pushed: ${message.text}`, {
        env: {},
        platformUrl: platform.url,
        workspaceId: created.id,
        token: created.token,
        tokenDir: temp.path,
        listen: 0,
        logger: quiet,
        stopSignals: [],
        signal: controller.signal,
        onEvent: (event) => events.push(event),
      });
      await until(() => events.some((event) => event.type === 'connected'), 'connected');
      expect(events[0]).toMatchObject({ type: 'connected', delivery: 'push' });
      expect(platform.sim.admin.workspace(created.id)?.url).toMatch(/^http:\/\/localhost:\d+\/a2a\//);
      const answer = await platform.sim.admin.sendCanvasMessage(created.id, 'ping');
      expect(JSON.stringify(answer.body)).toContain('pushed: ping');
      controller.abort();
      expect((await running).reason).toBe('aborted');
    } finally {
      await platform.close();
    }
  });

  it('createAgentClient reads MOLECULE_* and keeps the token in the token file', async () => {
    const platform = startBunPlatform({ allowPlaceholderUrl: true });
    try {
      const created = await platform.sim.admin.createWorkspace({});
      const client = createAgentClient({
        env: {
          MOLECULE_PLATFORM_URL: platform.url,
          MOLECULE_WORKSPACE_ID: created.id,
          MOLECULE_TOKEN_DIR: temp.path,
        },
        logger: quiet,
      });
      const result = await client.register();
      expect(await createFileTokenStore({ directory: temp.path }).load(created.id)).toBe(result.token);
    } finally {
      await platform.close();
    }
  });

  it('refuses a workspace id that is not a UUID before any request', async () => {
    await expect(
      runAgent(() => undefined, {
        env: { MOLECULE_PLATFORM_URL: 'http://127.0.0.1:9', MOLECULE_WORKSPACE_ID: 'ws-1' },
      }),
    ).rejects.toThrow('MOLECULE_WORKSPACE_ID must be a workspace id, a UUID');
  });
});
