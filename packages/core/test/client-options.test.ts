import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentClient, DEFAULT_TIMEOUTS } from '../src/client/index.js';
import { ConfigError, TimeoutError } from '../src/errors.js';
import { createMemoryTokenStore } from '../src/testing/index.js';
import { clientFor } from './helpers/platform.js';
import { type ScriptedServer, startScriptedServer } from './helpers/scripted-server.js';

let server: ScriptedServer;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await server.close();
});

const SECRET = 'S3cr3tT0ken_0123456789abcdefghijklmnopqrs';
const WS = '5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('createAgentClient options', () => {
  it('refuses bad options before any I/O', () => {
    const tokenStore = createMemoryTokenStore();
    const base = { workspaceId: WS, platformUrl: server.url, tokenStore };
    for (const bad of [
      { ...base, workspaceId: '' },
      { ...base, workspaceId: '..' },
      { ...base, platformUrl: 'ftp://x' },
      { ...base, platformUrl: `http://u:${SECRET}@x.example` },
      { ...base, tokenStore: undefined as never },
      { ...base, timeouts: { control: 0 } },
      { ...base, timeouts: { control: Number.NaN } },
      { ...base, timeouts: { bogus: 5 } as never },
      { ...base, peerCacheTtlMs: -1 },
      { ...base, token: 'has space' },
    ]) {
      expect(() => createAgentClient(bad)).toThrow(ConfigError);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('the default timeouts are the Python ones', () => {
    expect(DEFAULT_TIMEOUTS).toEqual({
      control: 10_000,
      inbound: 15_000,
      peer: 30_000,
      pluginDownload: 60_000,
      pluginDownloadIdle: 60_000,
      delegate: 300_000,
    });
  });

  it('a timeout class can be overridden', async () => {
    server.script({ delayMs: 400, json: { status: 'online' } });
    const { client } = clientFor(server.url, WS, { storedToken: 't', timeouts: { control: 100 } });
    expect(await client.pollState().catch((e) => e)).toBeInstanceOf(TimeoutError);
  });

  it('uses the injected fetch for every request', async () => {
    server.script({ json: { status: 'online' } });
    const seen: string[] = [];
    const { client } = clientFor(server.url, WS, {
      storedToken: 't',
      fetch: (input, init) => {
        seen.push(String(input));
        return fetch(input, init);
      },
    });
    await client.pollState();
    expect(seen).toEqual([`${server.url}/workspaces/${WS}/state`]);
  });

  it('an explicit token is used first and never written to the store', async () => {
    server.script({ json: { status: 'online' } });
    const { client, store } = clientFor(server.url, WS, { storedToken: 'from-store', token: SECRET });
    await client.pollState();
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(store.snapshot()).toEqual({ [WS]: 'from-store' });
  });

  it('a stored token with a line break is refused, never sent as a header', async () => {
    const { client } = clientFor(server.url, WS, { storedToken: 'abc\r\nX-Evil: 1' });
    expect(await client.pollState().catch((e) => e)).toBeInstanceOf(ConfigError);
    expect(server.requests).toHaveLength(0);
  });

  it('toJSON and JSON.stringify never contain the token', async () => {
    server.script({ json: { status: 'online' } });
    const { client } = clientFor(server.url, WS, { token: SECRET, orgId: 'org' });
    await client.pollState();
    const json = JSON.stringify(client);
    expect(json).not.toContain(SECRET);
    expect(JSON.parse(json)).toEqual({
      workspaceId: WS,
      platformUrl: server.url,
      orgId: 'org',
      token: { store: 'memory', cached: true },
    });
  });

  it('errors and logs never contain the token, even when the server echoes it', async () => {
    server.script({
      status: 500,
      json: {
        error: `bad header Authorization: Bearer ${SECRET}`,
        echo: { authorization: `Bearer ${SECRET}` },
      },
    });
    const { client, logger } = clientFor(server.url, WS, { token: SECRET });
    const error = await client.pollState().catch((e) => e);
    expect(error.message).not.toContain(SECRET);
    expect(JSON.stringify(error.toJSON())).not.toContain(SECRET);
    expect(JSON.stringify(error.body)).not.toContain(SECRET);
    expect(logger.text()).not.toContain(SECRET);
  });

  it('reportedUrl can be changed before re-registering; empty means the placeholder', async () => {
    server.script({ json: { status: 'registered' } }, { json: { status: 'registered' } });
    const { client } = clientFor(server.url, WS, { token: SECRET });
    client.reportedUrl = 'https://agent.example/a2a';
    await client.register();
    client.reportedUrl = '';
    await client.register();
    expect(server.requests.map((r) => (r.json as { url: string }).url)).toEqual([
      'https://agent.example/a2a',
      'remote://no-inbound',
    ]);
  });

  it('register with a non-object JSON body is InvalidResponseError (Python crashed)', async () => {
    server.script({ json: ['not', 'an', 'object'] });
    const { client } = clientFor(server.url, WS, { token: SECRET });
    expect((await client.register().catch((e) => e)).name).toBe('InvalidResponseError');
  });
});
