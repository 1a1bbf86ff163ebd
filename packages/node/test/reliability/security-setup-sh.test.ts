// Attack: a plugin's setup.sh that starts a background job and exits. Before, the job kept running
// after the install returned (the process group was killed only on timeout or abort), with the
// agent user's rights, for as long as it liked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installPluginArchive } from '@molecule-ai/agent-core/plugins';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsPluginSink } from '../../src/plugins/fs-plugin-sink.js';
import { createProcessRunner } from '../../src/plugins/process-runner.js';
import { bytesStream, gnuTarGz, processGone, waitFor } from '../plugins/helpers.js';
import { makeTempDir } from './security-helpers.js';

let temp: { dir: string; remove: () => void };
beforeEach(() => {
  temp = makeTempDir('security-setup-');
});
afterEach(() => temp.remove());

function pidsIn(path: string): number[] {
  return readFileSync(path, 'utf8').trim().split(/\s+/).map(Number);
}

describe('setup.sh does not outlive its install', () => {
  it('background jobs it started (TERM-proof ones too) are killed when the script exits', async () => {
    const pidFile = join(temp.dir, 'pids');
    const setup = [
      `sleep 300 & echo $! >> ${JSON.stringify(pidFile)}`,
      `(trap "" TERM HUP; exec sleep 300) & echo $! >> ${JSON.stringify(pidFile)}`,
      `nohup sleep 300 >/dev/null 2>&1 & echo $! >> ${JSON.stringify(pidFile)}`,
      'echo started',
    ].join('\n');
    const result = await installPluginArchive(bytesStream(gnuTarGz({ 'setup.sh': setup })), {
      name: 'demo',
      sink: createFsPluginSink({ pluginsDir: join(temp.dir, 'plugins') }),
      runner: createProcessRunner(),
      hostEnv: { PATH: process.env.PATH },
    });
    expect(result.setup).toMatchObject({ ok: true, exitCode: 0 });
    const pids = pidsIn(pidFile);
    expect(pids).toHaveLength(3);
    try {
      // Killed as the script exited, before the install returned; the poll only absorbs signal delivery.
      await waitFor(() => pids.every(processGone), 'the background jobs to be gone', 3_000);
    } finally {
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    expect(pids.filter((pid) => !processGone(pid))).toEqual([]);
  });
});
