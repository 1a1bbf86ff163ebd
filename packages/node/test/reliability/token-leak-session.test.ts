// A whole agent session against a faulty simulator with everything logged at debug level: register,
// secrets, peers (direct and proxied, to a peer that records everything), a plugin whose setup.sh
// dumps its environment, the agent loop through a storm, a token mint, token loss. Afterwards the
// workspace token, the minted one, the peer's token, the admin token and a secret value must
// appear in no log line, no error (message, stack, cause chain, toJSON), no toJSON of the client,
// no request the simulator recorded outside its Authorization header, nothing a non-platform host
// received, no setup.sh environment and no file the SDK wrote besides the token file itself.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthenticationError,
  callPeer,
  createAgentClient,
  isMoleculeError,
  PermissionDeniedError,
  TokenLostError,
  UnsafeArchiveError,
} from '@molecule-ai/agent-core';
import { installPluginWithPorts } from '@molecule-ai/agent-core/plugins';
import { createMemoryTokenStore, createRecordingLogger } from '@molecule-ai/agent-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgentLoop } from '../../src/loops/index.js';
import { createFsPluginSink, createProcessRunner } from '../../src/plugins/index.js';
import { createFileCursorStore, createFileTokenStore, TOKEN_FILE_NAME } from '../../src/stores/index.js';
import {
  createAgent,
  jsonRpcReply,
  leakedSecrets,
  type RecordingServer,
  type SimHarness,
  seededRandom,
  startRecordingServer,
  startSim,
  until,
  VirtualClock,
} from './helpers.js';

const ORG = 'org-leak-check';
const SECRET_VALUE = 'sk-live-4f9c2e7a1b3d5f7e9a0c2e4f6a8b0d1c';

let harness: SimHarness | undefined;
let peerServer: RecordingServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await peerServer?.close();
  await harness?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  harness = undefined;
  peerServer = undefined;
  dir = undefined;
});

/** Every regular file below `root` with its path. */
function filesBelow(root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) out.push(...filesBelow(path));
    else out.push(path);
  }
  return out;
}

describe('a whole session with faults, logged at debug level', { timeout: 120_000 }, () => {
  it('never shows a token, the admin token or a secret value anywhere it should not be', async () => {
    const clock = new VirtualClock();
    harness = await startSim({ devMode: true, orgId: ORG, clock, seed: 31 });
    const { sim } = harness;
    dir = mkdtempSync(join(tmpdir(), 'reliability-leak-'));
    const moleculeDir = join(dir, 'molecule');
    const logger = createRecordingLogger();
    const errors: unknown[] = [];
    const collect = async (work: Promise<unknown>): Promise<void> => {
      await work.catch((error: unknown) => {
        errors.push(error);
      });
    };

    // The agent: a pre-minted token in the file store, every port logging to the recorder.
    const created = await sim.admin.createWorkspace({ external: true });
    const id = created.id;
    const token = created.token!;
    const tokenStore = createFileTokenStore({ directory: moleculeDir, logger });
    await tokenStore.save(id, token);
    const client = createAgentClient({
      workspaceId: id,
      platformUrl: harness.url,
      tokenStore,
      orgId: ORG,
      origin: '',
      logger,
      clock,
      fetch: clock.heldFetch(),
      random: seededRandom(7),
      retry: 'wide',
      timeouts: { peer: 2_000 },
    });
    await sim.admin.setSecrets(id, { OPENAI_API_KEY: SECRET_VALUE });

    // A peer registered by another workspace: a server that records everything it is sent.
    peerServer = await startRecordingServer((request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(jsonRpcReply(request.body, 'peer says hi'));
    });
    const peer = await createAgent(harness, { orgId: ORG, reportedUrl: peerServer.url });

    // Faults for the direct calls: a reset, then an error body that echoes credentials back.
    sim.setFaults({
      rules: [
        { path: '/registry/register', count: 1, fault: { type: 'reset' } },
        {
          path: '/workspaces/:id/secrets/values',
          count: 1,
          fault: {
            type: 'status',
            status: 403,
            body: { error: `upstream refused Authorization: Bearer ${token}`, auth_token: token },
          },
        },
      ],
    });
    await collect(client.register()); // reset: register is not idempotent, so not retried
    await client.register();
    const secretsError = await client.pullSecrets().catch((error: unknown) => error);
    errors.push(secretsError);
    expect(secretsError).toBeInstanceOf(PermissionDeniedError);
    // The echoed credentials were masked, not merely absent.
    expect((secretsError as Error).message).toContain('Bearer [REDACTED]');
    expect((secretsError as PermissionDeniedError).body).toMatchObject({ auth_token: '[REDACTED]' });
    expect(await client.pullSecrets()).toEqual({ OPENAI_API_KEY: SECRET_VALUE });
    expect((await client.getPeers()).map((p) => p.id)).toContain(peer.id);
    expect(await callPeer(client, peer.id, 'direct hello')).toMatchObject({ route: 'direct' });
    expect(await callPeer(client, peer.id, 'proxied hello', { preferDirect: false })).toMatchObject({
      route: 'proxy',
    });

    // A plugin whose setup.sh writes its whole environment to a file; the first download is corrupt.
    const envDump = join(dir, 'setup-env.txt');
    await sim.admin.addPlugin('envdump', { 'setup.sh': 'env > "$ENV_DUMP"\n', 'README.md': 'dumps env' });
    const pluginOptions = {
      client,
      name: 'envdump',
      sink: createFsPluginSink({ pluginsDir: join(dir, 'plugins') }),
      runner: createProcessRunner(),
      logger,
      env: { ENV_DUMP: envDump },
      hostEnv: {
        ...process.env,
        MOLECULE_WORKSPACE_TOKEN: token,
        MOLECULE_ADMIN_TOKEN: sim.adminToken,
        OPENAI_API_KEY: SECRET_VALUE,
      },
    };
    sim.setFaults({
      rules: [{ path: '/workspaces/:id/plugins/:name/download', count: 1, fault: { type: 'corrupt-body' } }],
    });
    const corrupt = await installPluginWithPorts(pluginOptions).catch((error: unknown) => error);
    errors.push(corrupt);
    expect(corrupt).toBeInstanceOf(UnsafeArchiveError);
    const installed = await installPluginWithPorts(pluginOptions);
    expect(installed.setup).toMatchObject({ ok: true });

    // The agent loop through three minutes of a storm, with a peer call and a crashing handler.
    sim.setFaults({
      rules: ['/registry/heartbeat', '/workspaces/:id/state', '/workspaces/:id/activity'].flatMap((path) => [
        { path, probability: 0.3, fault: { type: 'status' as const, status: 503 } },
        { path, probability: 0.15, fault: { type: 'reset' as const } },
        { path, probability: 0.1, fault: { type: 'malformed-json' as const } },
      ]),
    });
    let stormOver = false;
    clock.onAdvance(() => {
      if (!stormOver && clock.elapsed() >= 3 * 60_000) {
        stormOver = true;
        sim.setFaults(undefined);
      }
    });
    for (const text of ['hello', 'ask the peer', 'boom']) await sim.admin.sendCanvasMessage(id, text);
    const run = runAgentLoop(
      async (message, context) => {
        if (message.text === 'boom') throw new Error('handler crashed');
        if (message.text === 'ask the peer') {
          const answer = await callPeer(context.client, peer.id, 'question');
          return answer.status === 'completed' ? answer.text : 'queued';
        }
        return `echo: ${message.text}`;
      },
      {
        client,
        clock,
        random: seededRandom(8),
        logger,
        cursorStore: clock.heldCursorStore(createFileCursorStore({ directory: moleculeDir, logger })),
        stopSignals: [],
      },
    );
    await until(() => stormOver && sim.admin.notifications(id).length === 2, 'the two replies');
    await sim.admin.pause(id);
    expect((await run).reason).toBe('paused');

    // A token mint with the admin credential, then the new token in use.
    const minted = await client.mintToken(sim.adminToken);
    await sim.admin.resume(id);
    await client.heartbeat();

    // Token loss: a second process with an empty store for a workspace that has a live token.
    const lost = createAgentClient({
      workspaceId: id,
      platformUrl: harness.url,
      tokenStore: createMemoryTokenStore(),
      orgId: ORG,
      logger,
    });
    const lostError = await lost.register().catch((error: unknown) => error);
    errors.push(lostError);
    expect(lostError).toBeInstanceOf(TokenLostError);
    expect((lostError as TokenLostError).cause).toBeInstanceOf(AuthenticationError);

    // ---- The checks ----
    const secrets = [token, minted.token, peer.token, sim.adminToken, SECRET_VALUE];
    expect(new Set(secrets).size).toBe(secrets.length);

    // The session did produce logs at every level, and errors worth printing.
    expect(logger.lines.filter((line) => line.level === 'debug').length).toBeGreaterThan(20);
    expect(logger.lines.some((line) => line.level === 'warn')).toBe(true);
    expect(logger.lines.some((line) => line.message.includes('handler failed'))).toBe(true);
    expect(errors.length).toBeGreaterThanOrEqual(4);
    expect(sim.requests.filter((r) => r.faults.length > 0).length).toBeGreaterThanOrEqual(10);

    for (const line of logger.lines) expect(leakedSecrets(line, secrets), line.message).toEqual([]);
    for (const error of errors) {
      expect(isMoleculeError(error)).toBe(true);
      expect(leakedSecrets(error, secrets), String(error)).toEqual([]);
    }
    expect(leakedSecrets(client.toJSON(), secrets)).toEqual([]);
    expect(leakedSecrets(lost.toJSON(), secrets)).toEqual([]);

    // What went over the wire to the platform: credentials only in the (redacted) Authorization.
    for (const request of sim.requests) {
      const { authorization: _auth, ...headers } = request.headers;
      expect(
        leakedSecrets({ ...request, headers, responseHeaders: request.responseHeaders }, secrets),
      ).toEqual([]);
    }
    // What a non-platform host received: the direct call, the proxied push, the handler's call.
    expect(peerServer.received.length).toBeGreaterThanOrEqual(3);
    for (const request of peerServer.received) {
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers['x-molecule-org-id']).toBeUndefined();
      expect(request.headers.origin).toBeUndefined();
      expect(leakedSecrets(request, secrets)).toEqual([]);
    }

    // setup.sh ran with a clean environment.
    const environment = readFileSync(envDump, 'utf8');
    expect(environment).toContain('PLUGIN_NAME=envdump');
    expect(leakedSecrets(environment, secrets)).toEqual([]);

    // Files the SDK wrote: only the token file holds the token (the minted one now).
    const files = filesBelow(dir).filter((path) => path !== envDump);
    const tokenFile = join(moleculeDir, id, TOKEN_FILE_NAME);
    expect(files).toContain(tokenFile);
    expect(readFileSync(tokenFile, 'utf8')).toBe(minted.token);
    for (const path of files.filter((p) => p !== tokenFile)) {
      expect(leakedSecrets(readFileSync(path, 'utf8'), secrets), path).toEqual([]);
    }
  });
});
