// docs/migrating-from-python.md shows the Python SDK's remote-agent example next to its TypeScript
// twin, examples/remote-agent-twin.ts (tests/readme checks the document shows it word for word).
// This runs it, and the document's client sample, in a child process against the simulator.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimHarness, startSim } from './sim.js';

let harness: SimHarness;
beforeAll(async () => {
  harness = await startSim();
});
afterAll(async () => {
  await harness.close();
});

function run(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('docs/migrating-from-python.md', () => {
  it('the TypeScript twin of the remote-agent example runs: register, secrets, heartbeat with the snake_case report', async () => {
    // Plain JavaScript apart from its name, so Node runs it as it is.
    const twin = await readFile(new URL('../examples/remote-agent-twin.ts', import.meta.url), 'utf8');
    // Inside the package folder so '@molecule-ai/agent-node' (self-reference) and its dependencies resolve.
    const home = await mkdtemp(join(tmpdir(), 'molecule-migration-'));
    const script = join(import.meta.dirname, `.migration-twin-${process.pid}.mjs`);
    try {
      await writeFile(script, twin);
      const { id } = await harness.sim.admin.createWorkspace({});
      await harness.sim.admin.setSecrets(id, { REMOTE_DEMO_KEY: 'hello-from-remote' });
      const result = await run(script, {
        HOME: home,
        WORKSPACE_ID: id,
        PLATFORM_URL: harness.url,
        MAX_ITERATIONS: '1',
      });
      expect(result.stderr).not.toMatch(/error/i);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('received 1 secret(s): REMOTE_DEMO_KEY\nloop exited: max-iterations\n');
      const beat = harness.sim.requests.find((r) => r.path === '/registry/heartbeat' && r.json !== undefined);
      expect(beat?.json).toMatchObject({
        workspace_id: id,
        current_task: 'remote-agent demo idle',
        active_tasks: 0,
      });
      // The token went to the file the Python SDK uses.
      expect((await readFile(join(home, '.molecule', id, '.auth_token'), 'utf8')).length).toBeGreaterThan(20);

      const missing = await run(script, { HOME: home });
      expect(missing.code).toBe(2);
    } finally {
      await rm(script, { force: true });
      await rm(home, { recursive: true, force: true });
    }
  });

  it('the client sample registers with WORKSPACE_ID and PLATFORM_URL; the token goes to the Python token file', async () => {
    const sample = await readFile(new URL('../examples/remote-agent-client.ts', import.meta.url), 'utf8');
    const home = await mkdtemp(join(tmpdir(), 'molecule-migration-'));
    const script = join(import.meta.dirname, `.migration-client-${process.pid}.mjs`);
    try {
      await writeFile(script, sample);
      const id = '3d4e5f60-7182-4394-a5b6-c7d8e9f00112';
      const result = await run(script, {
        HOME: home,
        WORKSPACE_ID: id,
        PLATFORM_URL: harness.url,
        MOLECULE_LOG: 'error',
      });
      expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(harness.sim.admin.workspace(id)?.liveTokens).toBe(1);
      expect((await readFile(join(home, '.molecule', id, '.auth_token'), 'utf8')).length).toBeGreaterThan(20);
    } finally {
      await rm(script, { force: true });
      await rm(home, { recursive: true, force: true });
    }
  });
});
