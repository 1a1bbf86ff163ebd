import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PushServer, startPushServer } from '@molecule-ai/agent-node';
import { createPlatformSim, type PlatformSim } from '@molecule-ai/platform-sim';
import { type PlatformServer, startPlatformServer } from '@molecule-ai/platform-sim/node';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PLUGIN_NAME, demoPluginFiles } from '../src/platform/demo-plugin.js';
import { jsonLines, requireBuiltDemo, runDemoProcess } from './demo-process.js';

// The demo against "a real platform": a simulator in this test process, which the demo only knows
// by its URL (MOLECULE_PLATFORM_URL), exactly as it would know a real one.
let work: string;
let sim: PlatformSim;
let platform: PlatformServer;
let peer: PushServer;
let agentId: string;
let peerId: string;

beforeAll(() => requireBuiltDemo());
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'demo-real-'));
  sim = createPlatformSim({ devMode: true });
  platform = await startPlatformServer(sim, { port: 0, host: '127.0.0.1' });
  peer = await startPushServer({
    onMessage: (message) => `peer answering: ${message.text}`,
    publicOrigin: 'http://localhost:{port}',
  });
  peerId = (await sim.admin.createWorkspace({ name: 'peer', external: true, url: peer.url })).id;
  await sim.admin.addPlugin(DEMO_PLUGIN_NAME, await demoPluginFiles());
});
afterEach(async () => {
  await peer.stop();
  await platform.close();
  await rm(work, { recursive: true, force: true });
});

function steps(stdout: string): Map<string, Record<string, unknown> & { data: Record<string, unknown> }> {
  const map = new Map<string, Record<string, unknown> & { data: Record<string, unknown> }>();
  for (const line of jsonLines(stdout)) {
    if (line.type === 'step')
      map.set(line.id as string, line as Record<string, unknown> & { data: Record<string, unknown> });
  }
  return map;
}

describe('pnpm demo with MOLECULE_PLATFORM_URL and MOLECULE_WORKSPACE_ID', () => {
  it('skips the simulator, runs every step the platform allows and explains the rest', async () => {
    agentId = (await sim.admin.createWorkspace({ name: 'mine', external: true, url: 'http://localhost:9/' }))
      .id;
    await sim.admin.setSecrets(agentId, { API_KEY: 'not-for-display' });
    const tokenDir = join(work, 'tokens');
    const run = await runDemoProcess(['--json'], {
      env: {
        TMPDIR: work,
        MOLECULE_PLATFORM_URL: platform.url,
        MOLECULE_WORKSPACE_ID: agentId,
        MOLECULE_TOKEN_DIR: tokenDir,
        MOLECULE_DEMO_PLUGIN: DEMO_PLUGIN_NAME,
        MOLECULE_DEMO_PEER_ID: peerId,
      },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(jsonLines(run.stdout)[0]).toMatchObject({ type: 'start', mode: 'platform' });
    const byId = steps(run.stdout);
    expect([...byId].map(([id, step]) => [id, step.status])).toEqual([
      ['platform', 'ok'],
      ['helper', 'skipped'],
      ['register', 'ok'],
      ['secrets', 'ok'],
      ['plugin', 'ok'],
      ['online', 'ok'],
      ['peers', 'ok'],
      ['call-direct', 'ok'],
      ['call-proxy', 'ok'],
      ['canvas', 'skipped'],
      ['delegate', 'ok'],
      ['heartbeat', 'ok'],
      ['pause', 'skipped'],
      ['delete', 'skipped'],
      ['stop', 'ok'],
    ]);
    expect(byId.get('register')!.data).toMatchObject({ tokenIssued: true, tokenFileMode: '600' });
    expect(byId.get('secrets')!.data.names).toEqual(['API_KEY']);
    expect(byId.get('call-direct')!.data).toMatchObject({
      route: 'direct',
      reply: 'peer answering: Hello from the Molecule SDK demo.',
    });
    expect(byId.get('call-proxy')!.data).toMatchObject({ route: 'proxy' });
    expect(byId.get('delegate')!.data).toMatchObject({ resultStatus: 'completed' });
    expect(byId.get('stop')!.data.exitReason).toBe('aborted');
    expect(byId.get('canvas')!.summary).toMatch(/--stay/);
    // Nothing sim-only was done: the workspace is still online, never paused or deleted.
    expect(sim.admin.workspace(agentId)?.status).toBe('online');
    // A token the platform mints is kept (it is shown only once), in MOLECULE_TOKEN_DIR, and never printed.
    const token = (await readFile(join(tokenDir, agentId, '.auth_token'), 'utf8')).trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(run.stdout + run.stderr).not.toContain(token);
    expect(run.stdout + run.stderr).not.toContain('not-for-display');
    // Its temp folders (plugins) are gone.
    expect(await readdir(work)).toEqual(['tokens']);
  });

  it('uses a pre-minted MOLECULE_WORKSPACE_TOKEN without writing it anywhere or printing it', async () => {
    const created = await sim.admin.createWorkspace({ name: 'pre-minted', external: true });
    agentId = created.id;
    const tokenDir = join(work, 'tokens');
    const run = await runDemoProcess(['--json'], {
      env: {
        TMPDIR: work,
        MOLECULE_PLATFORM_URL: platform.url,
        MOLECULE_WORKSPACE_ID: agentId,
        MOLECULE_WORKSPACE_TOKEN: created.token!,
        MOLECULE_TOKEN_DIR: tokenDir,
      },
    });
    expect(run.code, run.stderr).toBe(0);
    const byId = steps(run.stdout);
    expect(byId.get('register')!).toMatchObject({
      status: 'ok',
      data: { tokenIssued: false, tokenFileMode: null },
    });
    expect(byId.get('register')!.summary).toMatch(/MOLECULE_WORKSPACE_TOKEN/);
    expect(byId.get('plugin')!.status).toBe('skipped');
    expect(['call-direct', 'call-proxy', 'delegate'].map((id) => byId.get(id)!.status)).toEqual([
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(run.stdout + run.stderr).not.toContain(created.token!);
    expect(await readdir(work)).toEqual([]);
  });

  it('--stay keeps the agent running, shows what it handles, and exits when the platform pauses it', async () => {
    agentId = (await sim.admin.createWorkspace({ name: 'stays', external: true, url: 'http://localhost:9/' }))
      .id;
    const run = await runDemoProcess(['--json', '--stay'], {
      env: {
        TMPDIR: work,
        MOLECULE_PLATFORM_URL: platform.url,
        MOLECULE_WORKSPACE_ID: agentId,
        MOLECULE_TOKEN_DIR: join(work, 'tokens'),
      },
      onLine(line) {
        // The agent is up once the heartbeat step is done: chat with it, then pause it.
        if (line.includes('"id":"heartbeat"')) {
          void sim.admin.sendCanvasMessage(agentId, 'are you there?').then(() => sim.admin.pause(agentId));
        }
      },
    });
    expect(run.code, run.stderr).toBe(0);
    const wait = steps(run.stdout).get('wait')!;
    expect(wait).toMatchObject({ status: 'ok', data: { exitReason: 'paused' } });
    expect(wait.output).toEqual(['message: are you there?']);
  });
});
