// Broken and hostile plugin downloads from the simulator, installed with the real fs sink and real
// bash: the install fails with a typed error, the installed version stays exactly as it was, no
// staging, swap or lock leftovers remain, and neither the new setup.sh nor a hostile one runs.
import { randomBytes } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ConnectionError, isMoleculeError, UnsafeArchiveError } from '@molecule-ai/agent-core';
import { type InstallPluginWithPortsOptions, installPluginWithPorts } from '@molecule-ai/agent-core/plugins';
import { buildTestTar } from '@molecule-ai/agent-core/testing';
import type { Fault } from '@molecule-ai/platform-sim';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFsPluginSink } from '../../src/plugins/fs-plugin-sink.js';
import { createProcessRunner } from '../../src/plugins/process-runner.js';
import { listDir, makeTempDir, readTree } from '../plugins/helpers.js';
import { type Agent, createAgent, leakedSecrets, rejectionOf, type SimHarness, startSim } from './helpers.js';

let harness: SimHarness;
let agent: Agent;
beforeAll(async () => {
  harness = await startSim();
  agent = await createAgent(harness);
});
afterAll(async () => {
  await harness.close();
});

const V1 = { 'version.txt': 'v1', 'setup.sh': 'echo "v1 setup" >> "$SETUP_LOG"\n' };

let root: { dir: string; remove: () => void };
let base: string;
let pluginsDir: string;
let setupLog: string;
beforeEach(async () => {
  root = makeTempDir('reliability-plugins-');
  base = realpathSync(root.dir);
  pluginsDir = join(base, 'plugins');
  setupLog = join(base, 'setup.log');
  harness.sim.setFaults(undefined);
  await harness.sim.admin.addPlugin('demo', V1);
  await installPluginWithPorts(options());
  const v2: Record<string, string> = { 'version.txt': 'v2', 'setup.sh': 'echo "v2 setup" >> "$SETUP_LOG"\n' };
  // Incompressible content, so the archive is far larger than any cut-off point below.
  for (let i = 0; i < 40; i++) v2[`data/${i}.txt`] = randomBytes(4000).toString('base64');
  await harness.sim.admin.addPlugin('demo', v2);
});
afterEach(() => {
  harness.sim.setFaults(undefined);
  root.remove();
});

function options(extra: Partial<InstallPluginWithPortsOptions> = {}): InstallPluginWithPortsOptions {
  return {
    client: agent.client,
    name: 'demo',
    sink: createFsPluginSink({ pluginsDir }),
    runner: createProcessRunner({ killGraceMs: 200 }),
    runSetup: true,
    hostEnv: process.env,
    env: { SETUP_LOG: setupLog },
    ...extra,
  };
}

function onDownload(fault: Fault | Fault[]): void {
  harness.sim.setFaults({
    rules: [{ method: 'GET', path: '/workspaces/:id/plugins/:name/download', fault }],
  });
}

function setupRuns(): string[] {
  return readFileSync(setupLog, 'utf8').trim().split('\n');
}

/** Installs, expects a typed failure, and checks that v1 is untouched and nothing else ran or remained. */
async function failsKeepingV1(extra: Partial<InstallPluginWithPortsOptions> = {}): Promise<unknown> {
  const error = await rejectionOf(installPluginWithPorts(options(extra)));
  expect(isMoleculeError(error)).toBe(true);
  expect(error).not.toBeInstanceOf(TypeError);
  expect(leakedSecrets(error, [agent.token])).toEqual([]);
  expect(readTree(join(pluginsDir, 'demo'))).toEqual(V1);
  expect(listDir(pluginsDir)).toEqual(['demo']); // no .staging-*, .old-* or .lock-* left
  expect(listDir(base)).toEqual(['plugins', 'setup.log']); // nothing written outside
  expect(setupRuns()).toEqual(['v1 setup']);
  return error;
}

describe('installPluginWithPorts against broken downloads', { timeout: 30_000 }, () => {
  it('the control: without a fault v2 is installed and its setup.sh runs', async () => {
    const result = await installPluginWithPorts(options());
    expect(result.setup).toMatchObject({ ok: true, exitCode: 0 });
    expect(readTree(join(pluginsDir, 'demo'))['version.txt']).toBe('v2');
    expect(setupRuns()).toEqual(['v1 setup', 'v2 setup']);
    expect(listDir(pluginsDir)).toEqual(['demo']);
  });

  it('flipped bytes mid-body (corrupted gzip) → UnsafeArchiveError', async () => {
    onDownload({ type: 'corrupt-body' });
    const failure = await failsKeepingV1();
    expect(failure).toBeInstanceOf(UnsafeArchiveError);
    expect((failure as UnsafeArchiveError).rule).toMatch(
      /corrupt-gzip|bad-checksum|malformed-header|truncated/,
    );
  });

  it('a decompression bomb → UnsafeArchiveError from the byte cap, before it is inflated to disk', async () => {
    onDownload({ type: 'oversize-tarball', bytes: 16 * 1024 * 1024 });
    const error = await failsKeepingV1({ policy: { maxBytes: 1024 * 1024 } });
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect((error as UnsafeArchiveError).rule).toMatch(/max-bytes|max-decompressed-bytes/);
  });

  it('a body cut short (truncated tarball) → UnsafeArchiveError', async () => {
    onDownload({ type: 'truncate' });
    expect(await failsKeepingV1()).toBeInstanceOf(UnsafeArchiveError);
  });

  it('a connection cut mid-download → ConnectionError', async () => {
    onDownload({ type: 'stream-error', afterBytes: 4096 });
    expect(await failsKeepingV1()).toBeInstanceOf(ConnectionError);
  });

  it('a hostile archive whose setup.sh comes before a traversal entry → refused, setup.sh never runs', async () => {
    const hostile = gzipSync(
      buildTestTar([
        { name: 'setup.sh', content: 'echo "hostile setup" >> "$SETUP_LOG"\n' },
        { name: 'version.txt', content: 'evil' },
        { name: '../escaped.txt', content: 'outside' },
      ]),
    );
    onDownload({ type: 'replace-body', body: hostile, contentType: 'application/gzip' });
    const error = await failsKeepingV1();
    expect(error).toMatchObject({ rule: 'path-traversal', entry: '../escaped.txt' });
  });

  it('a JSON error page with status 200 instead of a tarball → UnsafeArchiveError (not a SyntaxError)', async () => {
    onDownload({
      type: 'replace-body',
      body: '{"error":"plugin not found"}',
      contentType: 'application/json',
    });
    expect(await failsKeepingV1()).toBeInstanceOf(UnsafeArchiveError);
  });
});
