// Secrets a server echoes back. Redaction used to match patterns only (`Bearer x`, keys named
// token/secret/password), so a 401 body `{"got": "<token>"}`, a sentence quoting the token, a
// URL-encoded bearer, a validation issue of a 200 that quotes it and a 429 body all carried it
// into the error message, `toJSON()`, log lines or the CLI's `--verbose` output. The client now
// scrubs the exact values it holds (workspace, admin and org tokens; peers' capability paths) in
// every form. A hostile platform (a real node:http server) plays each echo.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, callPeer, createAgentClient, isMoleculeError } from '@molecule-ai/agent-core';
import { createMemoryTokenStore, createRecordingLogger, exposeAll } from '@molecule-ai/agent-core/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, runCliProcess } from '../cli/cli-process.js';
import {
  createAgent,
  jsonRpcReply,
  type RecordingServer,
  rejectionOf,
  startRecordingServer,
  startSim,
} from './helpers.js';

const WORKSPACE = '5b3e9f1a-2c4d-4e6f-8a0b-1c2d3e4f5a6b';
/** A token with characters that URL encoding changes, so the encoded form differs from the plain one. */
const TOKEN = 'mol_ws+Zq7/Xk2=Hv9~pL4.sN8-tR1_wY6+cB3/dF5=';
const ADMIN = 'adm1n+T0ken/With=Plenty~Of.Chars-0123456789';

/** Every form of a secret that must not appear (a message may quote its first 40 characters). */
function forms(secret: string): string[] {
  return [
    secret,
    secret.slice(0, 20),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    Buffer.from(secret).toString('base64'),
  ];
}

function expectNoSecret(text: string, secret: string = TOKEN): void {
  for (const form of forms(secret)) expect(text).not.toContain(form);
}

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function hostilePlatform(answer: Answer): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

function text(status: number, body: string): Answer {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  };
}

const ECHOES: [string, Answer][] = [
  ['a 401 body {"got": "<token>"}', json(401, { got: TOKEN })],
  [
    'an error text containing the token',
    text(500, `upstream refused credential ${TOKEN} for this workspace`),
  ],
  [
    'a URL-encoded bearer in a text body',
    text(400, `rejected auth=Bearer%20${encodeURIComponent(TOKEN)}&x=1`),
  ],
  [
    'a validation issue of a 200 quoting it',
    json(200, { workspace_id: WORKSPACE, status: 'online', paused: TOKEN, deleted: false }),
  ],
  [
    'a 429 body',
    json(429, { error: `too many requests from ${TOKEN}`, token_hint: TOKEN }, { 'retry-after': '0' }),
  ],
];

beforeAll(() => {
  requireBuiltCli();
});

describe('a platform that echoes the token', { timeout: 60_000 }, () => {
  it.each(ECHOES)(
    '%s: not in the message, toJSON, the stack and cause chain, or a log line',
    async (_, answer) => {
      const url = await hostilePlatform(answer);
      const logger = createRecordingLogger();
      const client = createAgentClient({
        workspaceId: WORKSPACE,
        platformUrl: url,
        tokenStore: createMemoryTokenStore({ [WORKSPACE]: TOKEN }),
        logger,
        retry: 'none',
      });
      const error = await rejectionOf(client.pollState());
      expect(isMoleculeError(error)).toBe(true);
      expectNoSecret((error as Error).message);
      expectNoSecret(JSON.stringify((error as { toJSON(): unknown }).toJSON()));
      expectNoSecret(exposeAll(error));
      expectNoSecret(logger.text());
    },
  );

  it.each(ECHOES)("%s: not in the CLI's --verbose and --json output", async (_, answer) => {
    const url = await hostilePlatform(answer);
    dir = mkdtempSync(join(tmpdir(), 'security-redaction-'));
    const run = await runCliProcess(['state', '--verbose', '--json'], {
      env: {
        MOLECULE_PLATFORM_URL: url,
        MOLECULE_WORKSPACE_ID: WORKSPACE,
        MOLECULE_WORKSPACE_TOKEN: TOKEN,
        MOLECULE_TOKEN_DIR: dir,
        HOME: dir,
      },
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('error');
    expectNoSecret(run.stderr);
    expectNoSecret(run.stdout);
  });

  it('the admin token used for a mint is scrubbed when the server echoes it', async () => {
    const url = await hostilePlatform(json(403, { detail: `admin credential ${ADMIN} is not allowed here` }));
    const logger = createRecordingLogger();
    const client = createAgentClient({
      workspaceId: WORKSPACE,
      platformUrl: url,
      tokenStore: createMemoryTokenStore(),
      logger,
    });
    const error = await rejectionOf(client.mintToken(ADMIN));
    expectNoSecret(exposeAll(error), ADMIN);
    expectNoSecret(logger.text(), ADMIN);
  });

  it('keys named auth, credential, bearer, api_key and cookie are masked in error bodies', async () => {
    const body = {
      auth: 'one-value-1',
      credential: 'two-value-2',
      bearer: 'three-value-3',
      api_key: 'four-value-4',
      cookie: 'five-value-5',
      author: 'kept as it is',
    };
    const url = await hostilePlatform(json(400, body));
    const client = createAgentClient({
      workspaceId: WORKSPACE,
      platformUrl: url,
      tokenStore: createMemoryTokenStore({ [WORKSPACE]: TOKEN }),
    });
    const error = await rejectionOf(client.pollState());
    const shown = JSON.stringify((error as { toJSON(): unknown }).toJSON());
    for (const value of ['one-value-1', 'two-value-2', 'three-value-3', 'four-value-4', 'five-value-5']) {
      expect(shown).not.toContain(value);
    }
    expect(shown).toContain('kept as it is');
  });
});

describe("a peer's capability path is a credential", { timeout: 60_000 }, () => {
  const CAPABILITY = '/a2a/Qm9vZ2llV29vZ2llQ2FwYWJpbGl0eVBhdGg';
  let peer: RecordingServer | undefined;
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  it.each([
    ['a 500 that echoes the path', 500, (path: string) => `no handler for ${path}`],
    ['a 200 that is not JSON-RPC', 200, (path: string) => `{"jsonrpc": "2.0", "path": "${path}"`],
  ])('%s: errors and debug logs show the origin and a short prefix only', async (_, status, body) => {
    const harness = await startSim({ devMode: true });
    try {
      peer = await startRecordingServer((request, res) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body(request.url));
      });
      const peerUrl = `${peer.url}${CAPABILITY}`;
      const logger = createRecordingLogger();
      const caller = await createAgent(harness, { logger, retry: 'none' });
      const target = await createAgent(harness, { reportedUrl: peerUrl });
      const error = await rejectionOf(callPeer(caller.client, target.id, 'ping'));
      expect(isMoleculeError(error)).toBe(true);
      const everything = `${exposeAll(error)}\n${logger.text()}`;
      expect(everything).not.toContain(CAPABILITY);
      expect(everything).not.toContain(CAPABILITY.slice(5)); // the secret part alone either
      expect(everything).toContain(new URL(peer.url).origin);
      expect(everything).toContain('/a2a/Qm9…');
    } finally {
      await harness.close();
    }
  });

  it('a peer that never answers: the timeout names the origin and prefix only', async () => {
    const harness = await startSim({ devMode: true });
    try {
      peer = await startRecordingServer(() => {
        // never answers
      });
      const logger = createRecordingLogger();
      const caller = await createAgent(harness, { logger, retry: 'none', timeouts: { peer: 300 } });
      const target = await createAgent(harness, { reportedUrl: `${peer.url}${CAPABILITY}` });
      const error = await rejectionOf(callPeer(caller.client, target.id, 'ping'));
      const everything = `${exposeAll(error)}\n${logger.text()}`;
      expect(everything).not.toContain(CAPABILITY);
      expect(everything).toContain('/a2a/Qm9…');
    } finally {
      await harness.close();
    }
  });

  it('a polite peer still gets its whole path (only what is shown is shortened)', async () => {
    const harness = await startSim({ devMode: true });
    try {
      peer = await startRecordingServer((request, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(jsonRpcReply(request.body, 'pong'));
      });
      const caller = await createAgent(harness);
      const target = await createAgent(harness, { reportedUrl: `${peer.url}${CAPABILITY}` });
      const result = await callPeer(caller.client, target.id, 'ping');
      expect(result).toMatchObject({ status: 'completed', route: 'direct', text: 'pong' });
      expect(peer.received[0]!.url).toBe(CAPABILITY);
    } finally {
      await harness.close();
    }
  });
});

describe('a platform URL with credentials', () => {
  it.each([
    'https://agent:hunter2-Secret-Pass@exa mple.com',
    'https://agent:hunter2-Secret-Pass@[::1',
    'https://agent:hunter2-Secret-Pass@example.com/base',
  ])('%s: the ConfigError carries them neither in its message nor in its cause', (platformUrl) => {
    let error: unknown;
    try {
      createAgentClient({ workspaceId: WORKSPACE, platformUrl, tokenStore: createMemoryTokenStore() });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(exposeAll(error)).not.toContain('hunter2-Secret-Pass');
  });
});
