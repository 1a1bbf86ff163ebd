// Hostile and broken downloads from the platform simulator's fault plans: whatever goes wrong,
// the install fails with a typed error naming the cause, and the installed version stays as it was.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AbortError, ConnectionError, UnsafeArchiveError } from '@molecule-ai/agent-core';
import { type InstallPluginWithPortsOptions, installPluginWithPorts } from '@molecule-ai/agent-core/plugins';
import { buildTestTar } from '@molecule-ai/agent-core/testing';
import type { Fault } from '@molecule-ai/platform-sim';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFsPluginSink } from '../../src/plugins/fs-plugin-sink.js';
import { type Agent, createAgent, type SimHarness, startSim } from '../sim.js';
import { listDir, makeTempDir, readTree } from './helpers.js';

let harness: SimHarness;
let agent: Agent;
beforeAll(async () => {
  harness = await startSim();
  agent = await createAgent(harness);
});
afterAll(async () => {
  await harness.close();
});

let root: { dir: string; remove: () => void };
let pluginsDir: string;
beforeEach(async () => {
  root = makeTempDir('faults-');
  pluginsDir = join(realpathSync(root.dir), 'plugins');
  harness.sim.setFaults(undefined);
  await harness.sim.admin.addPlugin('demo', { 'version.txt': 'v1' });
  await installPluginWithPorts(options());
  const files: Record<string, string> = { 'version.txt': 'v2' };
  for (let i = 0; i < 50; i++) files[`data/${i}.txt`] = `${i}`.repeat(5000) + Math.random();
  await harness.sim.admin.addPlugin('demo', files);
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
    runSetup: false,
    ...extra,
  };
}

function onDownload(fault: Fault): void {
  harness.sim.setFaults({
    rules: [{ method: 'GET', path: '/workspaces/:id/plugins/:name/download', fault }],
  });
}

async function failsKeepingV1(extra: Partial<InstallPluginWithPortsOptions> = {}): Promise<unknown> {
  const error = await installPluginWithPorts(options(extra)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect(readTree(join(pluginsDir, 'demo'))).toEqual({ 'version.txt': 'v1' });
  expect(listDir(pluginsDir)).toEqual(['demo']);
  return error;
}

describe('installPluginWithPorts with a faulty platform', () => {
  it('a connection that breaks mid-body: ConnectionError, v1 kept', async () => {
    onDownload({ type: 'stream-error', afterBytes: 200 });
    expect(await failsKeepingV1()).toBeInstanceOf(ConnectionError);
  });

  it('a truncated body: refused as corrupt gzip, v1 kept', async () => {
    onDownload({ type: 'truncate' });
    expect(await failsKeepingV1()).toMatchObject({ rule: 'corrupt-gzip' });
  });

  it('flipped bytes: refused (gzip CRC or tar checksum), v1 kept', async () => {
    onDownload({ type: 'corrupt-body' });
    const error = await failsKeepingV1();
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect((error as UnsafeArchiveError).rule).toMatch(
      /corrupt-gzip|bad-checksum|malformed-header|truncated/,
    );
  });

  it('a decompression bomb: stopped by the byte cap before it is inflated, v1 kept', async () => {
    onDownload({ type: 'oversize-tarball', bytes: 150 * 1024 * 1024 });
    const error = await failsKeepingV1();
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect((error as UnsafeArchiveError).rule).toMatch(/max-bytes|max-decompressed-bytes/);
  });

  it('a hostile tarball in place of the plugin: refused naming entry and rule, v1 kept', async () => {
    const hostile = gzipSync(
      buildTestTar([
        { name: 'ok.txt', content: 'fine' },
        { name: 'skills/../../../.bashrc', content: 'evil' },
      ]),
    );
    onDownload({ type: 'replace-body', body: hostile, contentType: 'application/gzip' });
    expect(await failsKeepingV1()).toMatchObject({
      rule: 'path-traversal',
      entry: 'skills/../../../.bashrc',
    });
  });

  it('an HTML error page with status 200: refused as corrupt gzip, v1 kept', async () => {
    onDownload({ type: 'replace-body', body: '<html>maintenance</html>', contentType: 'text/html' });
    expect(await failsKeepingV1()).toMatchObject({ rule: 'corrupt-gzip' });
  });

  it('a stalled download is abandoned when the caller aborts: AbortError, v1 kept', async () => {
    onDownload({ type: 'slow-body', delayMs: 200, chunkBytes: 64 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('giving up')), 300);
    expect(await failsKeepingV1({ signal: controller.signal })).toBeInstanceOf(AbortError);
  });

  it('a failing install report (500) is returned as failed; the install stands', async () => {
    harness.sim.setFaults({
      rules: [{ method: 'POST', path: '/workspaces/:id/plugins', fault: { type: 'status', status: 500 } }],
    });
    const result = await installPluginWithPorts(options());
    expect(result.report).toMatchObject({ status: 'failed', httpStatus: 500 });
    expect(readTree(join(pluginsDir, 'demo'))['version.txt']).toBe('v2');
  });
});
