import { describe, expect, it } from 'vitest';
import { computePluginManifestDigest, type PlatformSim } from '../../src/index.js';
import { BASE, call, IDS, makeSim, registerAgent } from '../helpers/sim.js';
import { gunzipBytes, readTar } from '../helpers/tar-read.js';

const PLUGIN = {
  'plugin.yaml': 'name: demo\nversion: 1.0.0\n',
  'skills/foo/SKILL.md': '# Foo\n',
  'skills/bar.md': 'bar',
  'run.sh': { content: '#!/bin/sh\necho hi\n', mode: 0o755 },
  '.hidden': 'dot',
  'empty/': '',
};

async function setup(opts: Parameters<typeof makeSim>[0] = {}): Promise<{ sim: PlatformSim; token: string }> {
  const sim = makeSim({ clock: { now: () => Date.UTC(2026, 3, 27, 10, 0, 0, 600) }, ...opts });
  await sim.admin.addPlugin('demo', PLUGIN);
  const token = await registerAgent(sim, IDS.a);
  return { sim, token };
}

async function download(sim: PlatformSim, token: string, name: string, query = ''): Promise<Response> {
  return sim.fetch(
    new Request(`${BASE}/workspaces/${IDS.a}/plugins/${name}/download${query}`, {
      headers: { Authorization: `Bearer ${token}` },
    }),
  );
}

describe('GET /workspaces/:id/plugins/:name/download', () => {
  it('200 gzip with the contract headers', async () => {
    const { sim, token } = await setup();
    const r = await download(sim, token, 'demo');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/gzip');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="demo.tar.gz"');
    expect(r.headers.get('x-plugin-name')).toBe('demo');
    expect(r.headers.get('x-plugin-source')).toBe('local://demo');
    const body = new Uint8Array(await r.arrayBuffer());
    expect(r.headers.get('content-length')).toBe(String(body.length));
  });

  it('archive layout: Go USTAR, walk order, no root/./ or trailing slash, perms-only modes, two zero blocks, no padding', async () => {
    const { sim, token } = await setup();
    const gz = new Uint8Array(await (await download(sim, token, 'demo')).arrayBuffer());
    // gzip header as Go writes it: MTIME 0, XFL 0, OS 255
    expect([...gz.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]);
    expect([...gz.subarray(4, 10)]).toEqual([0, 0, 0, 0, 0, 255]);
    const tar = await gunzipBytes(gz);
    const { entries, endOffset } = readTar(tar);
    expect(endOffset).toBe(tar.length);
    expect(tar.length % 10240).not.toBe(0);
    expect(entries.map((e) => [e.path, e.typeflag, e.mode])).toEqual([
      ['.hidden', '0', '0000644'],
      ['empty', '5', '0000755'],
      ['plugin.yaml', '0', '0000644'],
      ['run.sh', '0', '0000755'],
      ['skills', '5', '0000755'],
      ['skills/bar.md', '0', '0000644'],
      ['skills/foo', '5', '0000755'],
      ['skills/foo/SKILL.md', '0', '0000644'],
    ]);
    for (const e of entries) {
      expect(e.magic).toBe('ustar\0');
      expect(e.version).toBe('00');
      expect(e.uid).toBe('0001750');
      expect(e.gid).toBe('0001750');
      expect(e.mtime).toBe(Math.round(Date.UTC(2026, 3, 27, 10, 0, 1) / 1000));
      expect(e.chksumField).toMatch(/^[0-7]{6}\0 $/);
      expect(e.pax).toBeUndefined();
    }
    expect(new TextDecoder().decode(entries.find((e) => e.path === 'run.sh')!.content)).toBe(
      '#!/bin/sh\necho hi\n',
    );
  });

  it('a path over 100 bytes uses the USTAR prefix field (no PAX)', async () => {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/file.txt`;
    const { sim, token } = await setup();
    await sim.admin.addPlugin('deep', { [long]: 'x' });
    const tar = await gunzipBytes(new Uint8Array(await (await download(sim, token, 'deep')).arrayBuffer()));
    const file = readTar(tar).entries.find((e) => e.typeflag === '0')!;
    expect(file.path).toBe(long);
    expect(file.prefix).toBe(`${'d'.repeat(60)}/${'e'.repeat(60)}`);
    expect(file.name).toBe('file.txt');
    expect(file.pax).toBeUndefined();
  });

  it('non-ASCII or unsplittable names get a PAX x header with path=', async () => {
    const over255 = `${'a'.repeat(150)}/${'b'.repeat(120)}.txt`;
    const { sim, token } = await setup();
    await sim.admin.addPlugin('intl', { 'café/menü.txt': 'x', [over255]: 'y' });
    const tar = await gunzipBytes(new Uint8Array(await (await download(sim, token, 'intl')).arrayBuffer()));
    const { entries } = readTar(tar);
    const menu = entries.find((e) => e.path === 'café/menü.txt')!;
    expect(menu.pax).toEqual({ path: 'café/menü.txt' });
    expect(menu.paxHeaderName).toBe('caf/PaxHeaders.0/men.txt');
    expect(menu.name).toBe('caf/men.txt');
    const dir = entries.find((e) => e.path === 'café')!;
    expect(dir.paxHeaderName).toBe('PaxHeaders.0/caf');
    const long = entries.find((e) => e.path === over255)!;
    expect(long.pax).toEqual({ path: over255 });
    expect(long.name).toBe(over255.slice(0, 100));
  });

  it('serves from a pluginSource when the plugin is not in memory', async () => {
    const { sim, token } = await setup({
      pluginSource: async (name) => (name === 'lazy' ? { 'plugin.yaml': 'name: lazy\n' } : undefined),
    });
    expect((await download(sim, token, 'lazy')).status).toBe(200);
    expect((await download(sim, token, 'other')).status).toBe(404);
  });

  it('400 invalid plugin name (".." or a backslash)', async () => {
    const { sim, token } = await setup();
    for (const name of ['a..b', 'a%5Cb']) {
      const r = await call(sim, 'GET', `/workspaces/${IDS.a}/plugins/${name}/download`, { token });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ error: 'invalid plugin name' });
    }
  });

  it('400 invalid plugin source / failed to resolve plugin source / name mismatch', async () => {
    const { sim, token } = await setup();
    const bad = await call(sim, 'GET', `/workspaces/${IDS.a}/plugins/demo/download?source=local://`, {
      token,
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: 'invalid plugin source' });
    const scheme = await call(sim, 'GET', `/workspaces/${IDS.a}/plugins/demo/download?source=ftp://demo`, {
      token,
    });
    expect(scheme.status).toBe(400);
    expect(scheme.json).toEqual({
      error: 'failed to resolve plugin source',
      available_schemes: ['github', 'local'],
    });
    await sim.admin.addPlugin('other', { 'a.txt': 'a' });
    const mismatch = await call(
      sim,
      'GET',
      `/workspaces/${IDS.a}/plugins/demo/download?source=local://other`,
      { token },
    );
    expect(mismatch.status).toBe(400);
    expect(mismatch.json).toEqual({
      error: 'source resolved to plugin "other" but URL requested "demo"',
      resolved_name: 'other',
      requested_name: 'demo',
    });
  });

  it('a github repo name with capitals is a valid plugin name (validatePluginName only refuses separators and "..")', async () => {
    const { sim, token } = await setup();
    await sim.admin.addGithubPlugin('acme/Demo', 'v1', { 'a.txt': 'a' });
    const r = await call(
      sim,
      'GET',
      `/workspaces/${IDS.a}/plugins/Demo/download?source=github://acme/Demo%23v1`,
      { token },
    );
    expect(r.status).toBe(200);
    expect(r.headers.get('x-plugin-name')).toBe('Demo');
  });

  it('400 resolver returned invalid plugin name (a github repo name with "..")', async () => {
    const { sim, token } = await setup();
    await sim.admin.addGithubPlugin('acme/a..b', 'v1', { 'a.txt': 'a' });
    const r = await call(
      sim,
      'GET',
      `/workspaces/${IDS.a}/plugins/ab/download?source=github://acme/a..b%23v1`,
      { token },
    );
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      error: 'resolver returned invalid plugin name',
      source: 'github://acme/a..b#v1',
    });
  });

  it('401 without / with a foreign bearer', async () => {
    const { sim } = await setup();
    const other = await registerAgent(sim, IDS.b);
    expect((await call(sim, 'GET', `/workspaces/${IDS.a}/plugins/demo/download`)).json).toEqual({
      error: 'missing workspace auth token',
    });
    expect(
      (await call(sim, 'GET', `/workspaces/${IDS.a}/plugins/demo/download`, { token: other })).status,
    ).toBe(401);
  });

  it('404 failed to fetch plugin from local/github with the raw source', async () => {
    const { sim, token } = await setup();
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/plugins/missing/download`, { token });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ error: 'failed to fetch plugin from local', source: 'local://missing' });
    const gh = await call(sim, 'GET', `/workspaces/${IDS.a}/plugins/x/download?source=github://o/x%23v9`, {
      token,
    });
    expect(gh.status).toBe(404);
    expect(gh.json).toEqual({ error: 'failed to fetch plugin from github', source: 'github://o/x#v9' });
  });

  it('github://owner/repo#ref: the repo name is the plugin name, .git is stripped', async () => {
    const { sim, token } = await setup();
    await sim.admin.addGithubPlugin('acme/tools', 'v1.2.0', {
      'plugin.yaml': 'name: tools\n',
      '.git/HEAD': 'ref',
      '.github/x.yml': 'x',
    });
    const r = await download(sim, token, 'tools', '?source=github://acme/tools%23v1.2.0');
    expect(r.status).toBe(200);
    expect(r.headers.get('x-plugin-source')).toBe('github://acme/tools#v1.2.0');
    const paths = readTar(await gunzipBytes(new Uint8Array(await r.arrayBuffer()))).entries.map(
      (e) => e.path,
    );
    expect(paths).toEqual(['.github', '.github/x.yml', 'plugin.yaml']);
  });

  it('413 staged plugin exceeds size limit', async () => {
    const { sim, token } = await setup({ pluginMaxDirBytes: 10 });
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/plugins/demo/download`, { token });
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ error: 'staged plugin exceeds size limit', source: 'local://demo' });
  });

  it('422 unpinned github source (unless allowed) and manifest integrity failure', async () => {
    const { sim, token } = await setup();
    const r = await call(
      sim,
      'GET',
      `/workspaces/${IDS.a}/plugins/tools/download?source=github://acme/tools`,
      { token },
    );
    expect(r.status).toBe(422);
    expect(r.json.error).toMatch(/^unpinned github source/);
    expect(r.json.source).toBe('github://acme/tools');

    const files = { 'plugin.yaml': 'name: signed\n', 'a.txt': 'a' };
    const sha256 = await computePluginManifestDigest(files);
    await sim.admin.addPlugin('signed', { ...files, 'manifest.json': JSON.stringify({ sha256 }) });
    expect((await download(sim, token, 'signed')).status).toBe(200);
    await sim.admin.addPlugin('tampered', {
      ...files,
      'a.txt': 'b',
      'manifest.json': JSON.stringify({ sha256 }),
    });
    const t = await call(sim, 'GET', `/workspaces/${IDS.a}/plugins/tampered/download`, { token });
    expect(t.status).toBe(422);
    expect(t.json).toEqual({ error: 'plugin manifest integrity check failed', source: 'local://tampered' });

    const unpinned = await setup({ pluginAllowUnpinned: true });
    await unpinned.sim.admin.addGithubPlugin('acme/tools', '', { 'a.txt': 'a' });
    expect(
      (await download(unpinned.sim, unpinned.token, 'tools', '?source=github://acme/tools')).status,
    ).toBe(200);
  });

  it('500 auth check failed for a non-UUID workspace id (admin token)', async () => {
    const { sim } = await setup();
    const r = await call(sim, 'GET', '/workspaces/nope/plugins/demo/download', { token: sim.adminToken });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: 'auth check failed' });
  });

  it('502 failed to fetch plugin for a local name that is not lowercase, or a failing plugin source', async () => {
    const { sim, token } = await setup({
      pluginSource: async () => {
        throw new Error('symlink to a directory');
      },
    });
    const upper = await call(sim, 'GET', `/workspaces/${IDS.a}/plugins/Demo/download`, { token });
    expect(upper.status).toBe(502);
    expect(upper.json).toEqual({ error: 'failed to fetch plugin from local', source: 'local://Demo' });
    const broken = await call(sim, 'GET', `/workspaces/${IDS.a}/plugins/broken/download`, { token });
    expect(broken.status).toBe(502);
  });
});

describe('GET …/download: fetch timeout', () => {
  it('504 when the plugin source does not answer within the fetch timeout', async () => {
    const { sim, token } = await setup({
      pluginFetchTimeoutMs: 5,
      pluginSource: () => new Promise(() => {}),
    });
    const r = await call(sim, 'GET', `/workspaces/${IDS.a}/plugins/slow/download`, { token });
    expect(r.status).toBe(504);
    expect(r.json).toEqual({ error: 'failed to fetch plugin from local', source: 'local://slow' });
  });
});

describe('POST /workspaces/:id/plugins (install)', () => {
  it('503 workspace container not running for a remote workspace after a successful staging', async () => {
    const { sim, token } = await setup();
    const r = await call(sim, 'POST', `/workspaces/${IDS.a}/plugins`, {
      token,
      body: { source: 'local://demo' },
    });
    expect(r.status).toBe(503);
    expect(r.json).toEqual({ error: 'workspace container not running' });
  });

  it("400 invalid request body / 'source' is required", async () => {
    const { sim, token } = await setup();
    const bad = await call(sim, 'POST', `/workspaces/${IDS.a}/plugins`, { token, rawBody: '{"source":5}' });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: 'invalid request body' });
    const huge = await call(sim, 'POST', `/workspaces/${IDS.a}/plugins`, {
      token,
      body: { source: 'x'.repeat(70_000) },
    });
    expect(huge.json).toEqual({ error: 'invalid request body' });
    const missing = await call(sim, 'POST', `/workspaces/${IDS.a}/plugins`, { token, body: {} });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({
      error: `'source' is required (e.g. "local://my-plugin" or "github://owner/repo")`,
    });
  });

  it("the download route's errors apply (404 for a missing plugin)", async () => {
    const { sim, token } = await setup();
    const r = await call(sim, 'POST', `/workspaces/${IDS.a}/plugins`, {
      token,
      body: { source: 'local://nope' },
    });
    expect(r.status).toBe(404);
  });

  it('403 not in the org allowlist', async () => {
    const { sim, token } = await setup({ pluginAllowlist: ['other'] });
    const r = await call(sim, 'POST', `/workspaces/${IDS.a}/plugins`, {
      token,
      body: { source: 'local://demo' },
    });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ error: 'plugin "demo" is not in the org allowlist' });
  });

  it('422 sha256 mismatch / plugin.yaml not found; a matching sha256 still ends in 503', async () => {
    const { sim, token } = await setup();
    const bytes = new TextEncoder().encode(PLUGIN['plugin.yaml']);
    const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('');
    const wrong = await call(sim, 'POST', `/workspaces/${IDS.a}/plugins`, {
      token,
      body: { source: 'local://demo', sha256: 'ab'.repeat(32) },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.json).toEqual({
      error: `sha256 mismatch: expected ${'ab'.repeat(32)}, got ${digest}`,
      source: 'local://demo',
    });
    const ok = await call(sim, 'POST', `/workspaces/${IDS.a}/plugins`, {
      token,
      body: { source: 'local://demo', sha256: digest },
    });
    expect(ok.status).toBe(503);
    await sim.admin.addPlugin('noyaml', { 'a.txt': 'a' });
    const none = await call(sim, 'POST', `/workspaces/${IDS.a}/plugins`, {
      token,
      body: { source: 'local://noyaml', sha256: digest },
    });
    expect(none.status).toBe(422);
    expect(none.json).toEqual({
      error: 'sha256 check failed: plugin.yaml not found in staged plugin',
      source: 'local://noyaml',
    });
  });

  it('401 from the middleware', async () => {
    const { sim } = await setup();
    expect(
      (await call(sim, 'POST', `/workspaces/${IDS.a}/plugins`, { body: { source: 'local://demo' } })).status,
    ).toBe(401);
  });
});
