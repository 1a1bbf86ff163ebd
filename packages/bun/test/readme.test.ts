import { afterEach, beforeEach, describe, expect, it } from 'bun:test';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBunScript } from './helpers/bun-child.js';
import { type BunPlatform, startBunPlatform, until } from './helpers/platform.js';
import { makeTempDirectory, permissions } from './helpers/temp-directory.js';

// The README's examples are the files in examples/, shown word for word (tests/readme at the
// repository root compares them); these tests run them as a new user would (`bun agent.ts`, with
// the package resolved by name) against the simulator.
const here = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

let platform: BunPlatform | undefined;
let home: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  home = await makeTempDirectory('molecule-bun-home-');
});
afterEach(async () => {
  await platform?.close();
  platform = undefined;
  await home.remove();
});

function environment(platformUrl: string, workspaceId: string): Record<string, string> {
  // A fresh HOME, so the default token directory ~/.molecule is the test's own.
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home.path,
    MOLECULE_PLATFORM_URL: platformUrl,
    MOLECULE_WORKSPACE_ID: workspaceId,
  };
}

describe('README examples', () => {
  it('the one-minute poll agent, against the simulator CLI as the README runs it, answers a message and stops on Ctrl-C', async () => {
    // `molecule-platform-sim --port 0 --allow-placeholder-url --json`, run by Bun from its bin file.
    const simulator = startBunScript(
      here('node_modules/@molecule-ai/platform-sim/dist/node/cli.js'),
      ['--port', '0', '--allow-placeholder-url', '--json'],
      { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    );
    try {
      const { url, adminToken } = JSON.parse(await simulator.waitForLine((line) => line.startsWith('{')));
      const workspaceId = crypto.randomUUID();
      let registered = false;
      const admin = (path: string, init: RequestInit = {}) =>
        fetch(`${url}/admin/sim/workspaces/${workspaceId}/${path}`, {
          ...init,
          headers: { authorization: `Bearer ${adminToken}` },
        });
      const agent = startBunScript(here('examples/agent.ts'), [], environment(url, workspaceId));
      // Registered once the issued token is in its file.
      const tokenFile = join(home.path, '.molecule', workspaceId, '.auth_token');
      await until(
        () => registered,
        'the token file',
        20_000,
        async () => {
          registered = await Bun.file(tokenFile).exists();
        },
      );
      expect(permissions((await stat(tokenFile)).mode)).toBe(0o600);

      const sent = await admin('messages', { method: 'POST', body: JSON.stringify({ text: 'hello bun' }) });
      expect(((await sent.json()) as { status: number }).status).toBe(202);
      let notifications: { message: string }[] = [];
      await until(
        () => notifications.length > 0,
        'the reply',
        20_000,
        async () => {
          notifications = (await (await admin('notifications')).json()) as { message: string }[];
        },
      );
      expect(notifications[0]).toMatchObject({ message: 'You said: hello bun' });

      agent.process.kill('SIGINT');
      const result = await agent.done;
      // The one line a first registration from this machine gets (a mistyped id would show here).
      expect(result.stderr).toBe(
        `[molecule] warn: first registration of workspace ${workspaceId} from here: the platform issued a new token, ` +
          `saved to ${tokenFile}. If you meant an existing workspace, check the id: the platform creates a new ` +
          'workspace for an id it does not know\n',
      );
      expect(result.exitCode).toBe(0);
      expect(result.stdout.trim().split('\n').at(-1)).toBe('stopped: aborted');
    } finally {
      simulator.process.kill();
      await simulator.done;
    }
  }, 30_000);

  it('the push agent answers a pushed canvas message through Bun.serve and stops on SIGTERM', async () => {
    const started = startBunPlatform({ devMode: true });
    platform = started;
    const { sim } = started;
    const workspaceId = crypto.randomUUID();
    const agent = startBunScript(here('examples/push-agent.ts'), [], environment(started.url, workspaceId));
    await until(
      () => sim.admin.workspace(workspaceId)?.url?.startsWith('http://localhost:') === true,
      'registered',
    );
    const reply = await sim.admin.sendCanvasMessage(workspaceId, 'pushed hello');
    expect(reply.body).toMatchObject({
      result: { parts: [{ kind: 'text', text: 'You said: pushed hello' }] },
    });

    agent.process.kill('SIGTERM');
    const result = await agent.done;
    expect(result.stderr).toContain('first registration of workspace');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('stopped: aborted');
  }, 30_000);
});
