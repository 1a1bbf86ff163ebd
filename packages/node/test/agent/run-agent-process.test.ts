import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SimHarness, startSim, until } from '../sim.js';
import { makeTempDirectory } from '../stores/helpers.js';
import { startAgentChild } from './agent-child.js';

// Real child processes on a shared machine: generous limits (safety nets, not assertions).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let harness: SimHarness;
let home: { path: string; remove(): Promise<void> };
beforeAll(async () => {
  if (!existsSync(new URL('../../dist/index.js', import.meta.url))) {
    throw new Error("dist/index.js is missing: run 'pnpm --filter @molecule-ai/agent-node build' first");
  }
  harness = await startSim();
});
afterAll(async () => {
  await harness.close();
});
beforeEach(async () => {
  home = await makeTempDirectory('molecule-run-agent-');
});
afterEach(async () => {
  await home.remove();
});

function envFor(workspaceId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: home.path,
    MOLECULE_PLATFORM_URL: harness.url,
    MOLECULE_WORKSPACE_ID: workspaceId,
    MOLECULE_TOKEN_DIR: `${home.path}/tokens`,
    MOLECULE_POLL_INTERVAL: '0.05',
    ...extra,
  };
}

describe('runAgent in a real Node process', () => {
  it('answers, shows a throwing handler on stderr by default, and stops cleanly on SIGTERM', async () => {
    const created = await harness.sim.admin.createWorkspace({ external: true });
    const agent = startAgentChild(envFor(created.id, { MOLECULE_WORKSPACE_TOKEN: created.token! }));
    await agent.waitForEvent((event) => event.type === 'connected');

    await harness.sim.admin.sendCanvasMessage(created.id, 'fail');
    await agent.waitForStderr('[molecule] error: message handler failed');
    expect(agent.stderr()).toContain('handler exploded on purpose');
    await harness.sim.admin.sendCanvasMessage(created.id, 'hello');
    await until(
      () =>
        harness.sim.admin.notifications(created.id).some((n) => JSON.stringify(n).includes('echo: hello')),
      'the reply',
    );
    const failed = await agent.waitForEvent((event) => event.type === 'message' && event.status === 'failed');
    expect(failed).toMatchObject({ source: 'canvas_user', delivery: 'poll' });
    expect(typeof failed.durationMs).toBe('number');

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(agent.events.at(-1)).toMatchObject({ type: 'exit', reason: 'aborted', signal: 'SIGTERM' });
    expect(agent.events.some((event) => event.type === 'stopping' && event.signal === 'SIGTERM')).toBe(true);
    expect(agent.stderr()).not.toContain(created.token!);
  });

  it('MOLECULE_LOG=silent keeps stderr empty; MOLECULE_LOG=info adds progress lines', async () => {
    const created = await harness.sim.admin.createWorkspace({ external: true });
    const quiet = startAgentChild(
      envFor(created.id, {
        MOLECULE_WORKSPACE_TOKEN: created.token!,
        MOLECULE_LOG: 'silent',
        MOLECULE_MAX_ITERATIONS: '2',
      }),
    );
    await quiet.waitForEvent((event) => event.type === 'connected');
    await harness.sim.admin.sendCanvasMessage(created.id, 'fail');
    await quiet.waitForEvent((event) => event.type === 'message');
    await quiet.exited;
    expect(quiet.stderr()).toBe('');

    const chatty = startAgentChild(
      envFor(created.id, {
        MOLECULE_WORKSPACE_TOKEN: created.token!,
        MOLECULE_LOG: 'info',
        MOLECULE_MAX_ITERATIONS: '1',
      }),
    );
    expect(await chatty.exited).toEqual({ code: 0, signal: null });
    expect(chatty.stderr()).toContain(`[molecule] connected as ${created.id}`);
  });

  it('a valid but unknown workspace id is announced once on stderr: the platform created it', async () => {
    const typo = randomUUID();
    const first = startAgentChild(envFor(typo, { MOLECULE_MAX_ITERATIONS: '1' }));
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.stderr()).toContain(`[molecule] warn: first registration of workspace ${typo} from here`);
    expect(first.stderr()).toContain('check the id');
    const second = startAgentChild(envFor(typo, { MOLECULE_MAX_ITERATIONS: '1' }));
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(second.stderr()).not.toContain('first registration');
  });

  it('a workspace id that is not a UUID fails before any request, naming the variable', async () => {
    harness.sim.clearRequests();
    const agent = startAgentChild(envFor('ws-1'));
    const result = await agent.exited;
    expect(result.code).not.toBe(0);
    expect(agent.stderr()).toContain('MOLECULE_WORKSPACE_ID must be a workspace id, a UUID');
    expect(harness.sim.requests).toHaveLength(0);
  });
});
