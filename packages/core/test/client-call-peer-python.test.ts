// callPeer against a peer written with the Python SDK: its A2AServer answers
// {"status": "ok", "result": R} and {"error": "..."} (4xx/5xx) instead of JSON-RPC, both on its own
// URL and relayed by the platform's proxy. The peer is a real HTTP server speaking that wire format.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callPeer } from '../src/client/call-peer.js';
import { InvalidResponseError, PeerRejectedError } from '../src/errors.js';
import { clientFor, type SimHarness, startSim, workspaceWithToken } from './helpers/platform.js';
import {
  type PythonA2AServer,
  type PythonHandler,
  startPythonA2AServer,
} from './helpers/python-a2a-server.js';

let env: SimHarness;
let peer: PythonA2AServer | undefined;
beforeEach(async () => {
  env = await startSim({ devMode: true });
});
afterEach(async () => {
  await peer?.close();
  peer = undefined;
  await env.close();
});

async function setup(handler: PythonHandler) {
  peer = await startPythonA2AServer(handler);
  const me = await workspaceWithToken(env.sim);
  const target = await env.sim.admin.createWorkspace({ external: true, url: peer.url });
  const { client } = clientFor(env.url, me.id, { storedToken: me.token, origin: '' });
  return { target, client };
}

const proxyPosts = (id: string) => env.sim.requests.filter((r) => r.path === `/workspaces/${id}/a2a`);

describe.each([
  ['direct', true],
  ['through the proxy', false],
] as const)('a Python A2AServer peer, %s', (route, preferDirect) => {
  it('test_a2a_server inbound_call_routes_to_handler: a string result is the text', async () => {
    const { target, client } = await setup((body) => {
      const parts = (body as { params: { message: { parts: { text: string }[] } } }).params.message.parts;
      return `echo: ${parts[0]?.text}`;
    });
    const reply = await callPeer(client, target.id, 'hello', { preferDirect });
    expect(reply).toMatchObject({
      status: 'completed',
      route: preferDirect ? 'direct' : 'proxy',
      envelope: 'python-a2a-server',
      text: 'echo: hello',
      result: { kind: 'other', value: 'echo: hello' },
    });
    if (reply.status === 'completed') expect(reply.response.result).toBe('echo: hello');
    expect(peer?.received).toHaveLength(1);
    expect(route).toBeTruthy();
  });

  it('a result with parts: the text comes from its text parts (kind, type, or bare text)', async () => {
    const { target, client } = await setup(() => ({
      parts: [
        { kind: 'text', text: 'one' },
        { type: 'text', text: 'two' },
        { text: 'three' },
        { kind: 'data', data: {} },
      ],
    }));
    expect(await callPeer(client, target.id, 'x', { preferDirect })).toMatchObject({
      text: 'one\ntwo\nthree',
    });
  });

  it('any other result is kept raw; its text is the JSON', async () => {
    const { target, client } = await setup(() => ({ answer: 42, ok: true }));
    const reply = await callPeer(client, target.id, 'x', { preferDirect });
    expect(reply).toMatchObject({ result: { kind: 'other', value: { answer: 42, ok: true } } });
    if (reply.status === 'completed') expect(JSON.parse(reply.text)).toEqual({ answer: 42, ok: true });
  });

  it("test_a2a_server handler_exception_returns_500: PeerRejectedError with the peer's message, not resent", async () => {
    const { target, client } = await setup(() => {
      throw new Error('the model is down');
    });
    const error = await callPeer(client, target.id, 'x', { preferDirect }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeerRejectedError);
    expect(error).toMatchObject({
      httpStatus: 500,
      route: preferDirect ? 'direct' : 'proxy',
      peerError: 'internal error: the model is down',
    });
    expect((error as Error).message).toContain('internal error: the model is down');
    expect(peer?.received).toHaveLength(1);
    expect(proxyPosts(target.id)).toHaveLength(preferDirect ? 0 : 1);
  });
});

describe('validation errors a user can act on', () => {
  it('a peer answering something else names the field and the expected shape', async () => {
    const { target, client } = await setup(() => 'unused');
    // The proxy relays a 2xx body verbatim: a JSON-RPC answer with the wrong version.
    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/a2a',
          fault: { type: 'status', status: 200, body: { jsonrpc: '1.0', result: 'x' } },
        },
      ],
    });
    const error = await callPeer(client, target.id, 'x', { preferDirect: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain('field "jsonrpc" should be "2.0", not the string "1.0"');
    expect((error as Error).message).not.toContain('Expected unknown');

    env.sim.setFaults({
      rules: [
        {
          path: '/workspaces/:id/a2a',
          fault: { type: 'status', status: 200, body: { jsonrpc: '2.0', id: 1 } },
        },
      ],
    });
    const missing = await callPeer(client, target.id, 'x', { preferDirect: false }).catch((e: unknown) => e);
    expect((missing as Error).message).toContain('neither "result" nor "error"');
    expect((missing as Error).message).toContain('expected a JSON-RPC 2.0 response');
  });
});
