import { createA2AHandler, JSON_RPC_ERROR } from '../a2a/index.js';
import { ConfigError } from '../errors.js';
import type { PushServer, PushServerBaseOptions } from '../inbound/push-server.js';
import { assert, type TestApi } from './harness.js';
import { messageSendRequest as rpc } from './message-send-request.js';

/** What the push server contract needs from the runtime under test. */
export interface PushServerContractSubject {
  /** The runtime's `startPushServer`, given only the options every runtime shares. */
  start(options: PushServerBaseOptions): Promise<PushServer>;
}

/** The parts of a JSON-RPC answer the suite looks at. */
interface RpcAnswer {
  jsonrpc?: string;
  id?: string | number;
  result?: { kind?: string; role?: string; parts?: { kind?: string; text?: string }[]; metadata?: unknown };
  error?: { code?: number; message?: string };
}

function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function answer(response: Response): Promise<RpcAnswer> {
  return (await response.json()) as RpcAnswer;
}

/** The text of a JSON-RPC answer's first part. */
async function replyText(response: Response): Promise<string | undefined> {
  return (await answer(response)).result?.parts?.[0]?.text;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** An `onMessage` that signals when a request is inside and answers `reply` only once released. */
function heldHandler(reply: string): {
  onMessage: () => Promise<string>;
  entered: Promise<void>;
  release: () => void;
} {
  const entered = deferred();
  const released = deferred();
  return {
    onMessage: async () => {
      entered.resolve();
      await released.promise;
      return reply;
    },
    entered: entered.promise,
    release: released.resolve,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A body sent in pieces, with no Content-Length. */
function streamedBody(pieces: number, piece: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(piece);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < pieces; i++) controller.enqueue(bytes);
      controller.close();
    },
  });
}

/**
 * Runs `test` with a `start` that remembers every server it started, and stops them all after
 * (cut after a second, so that a failed test cannot leave a handler hanging).
 */
function withServers(
  subject: PushServerContractSubject,
  test: (start: (options: PushServerBaseOptions) => Promise<PushServer>) => Promise<void>,
): () => Promise<void> {
  return async () => {
    const started: PushServer[] = [];
    try {
      await test(async (options) => {
        const server = await subject.start(options);
        started.push(server);
        return server;
      });
    } finally {
      await Promise.all(started.map((server) => server.stop({ timeoutMs: 1_000 })));
    }
  };
}

/**
 * The behaviour every runtime's push server shares, over real HTTP: where it listens and what it
 * registers, how A2A calls reach `onMessage` and what answers them, the JSON-RPC and HTTP errors,
 * the body cap, concurrency and its limit, and a stop that drains. Timeouts against slow clients
 * differ by runtime and are tested by each runtime package.
 */
export function testPushServer({ describe, it }: TestApi, subject: PushServerContractSubject): void {
  describe('PushServer contract', () => {
    it(
      'binds 127.0.0.1 on a free port by default, registers a localhost capability URL, and stops (idempotently)',
      withServers(subject, async (start) => {
        const server = await start({ onMessage: () => 'hi' });
        assert.equal(server.host, '127.0.0.1', 'host');
        assert.ok(server.port > 0, 'a port was picked');
        assert.ok(/^\/a2a\/[A-Za-z0-9_-]{32}$/.test(server.path), `a capability path, got ${server.path}`);
        assert.equal(server.url, `http://localhost:${server.port}${server.path}`, 'registered URL');
        assert.equal((await postJson(server.url, rpc('x'))).status, 200, 'status while running');
        await Promise.all([server.stop(), server.stop()]);
        await server.stop();
        await assert.rejects(postJson(server.url, rpc('late')), () => true, 'a request after stop');
      }),
    );

    it(
      'routes message/send to onMessage and answers with a JSON-RPC A2A Message, also under /a2a',
      withServers(subject, async (start) => {
        const seen: { text: string; delivery: string; caller: string | null }[] = [];
        const server = await start({
          onMessage: async (message) => {
            seen.push({ text: message.text, delivery: message.delivery, caller: message.sourceId });
            await sleep(1);
            return `echo: ${message.text}`;
          },
        });
        const response = await postJson(server.url, rpc('hello', 'r-7'), { 'x-workspace-id': 'ws-peer' });
        assert.equal(response.status, 200, 'status');
        const body = await answer(response);
        assert.equal(body.jsonrpc, '2.0', 'jsonrpc');
        assert.equal(body.id, 'r-7', 'id');
        assert.equal(body.result?.kind, 'message', 'result kind (a Message, not {"status":"ok"})');
        assert.equal(body.result?.role, 'agent', 'role');
        assert.deepEqual(body.result?.parts, [{ kind: 'text', text: 'echo: hello' }], 'parts');
        assert.deepEqual(body.result?.metadata, { inReplyTo: 'm-r-7' }, 'metadata');
        assert.deepEqual(
          seen,
          [{ text: 'hello', delivery: 'push', caller: 'ws-peer' }],
          'what onMessage saw',
        );
        // The platform's MCP bridge appends /a2a to the registered URL.
        assert.equal(
          await replyText(await postJson(`${server.url}/a2a`, rpc('again'))),
          'echo: again',
          'via /a2a',
        );
      }),
    );

    it(
      'answers a body that is not JSON, or empty, with JSON-RPC -32700; other paths with 404; GET with 405',
      withServers(subject, async (start) => {
        let calls = 0;
        const server = await start({
          onMessage: () => {
            calls += 1;
            return 'x';
          },
        });
        const bad = await fetch(server.url, { method: 'POST', body: '{not json' });
        assert.equal(bad.status, 200, 'status of a parse error');
        assert.equal((await answer(bad)).error?.code, JSON_RPC_ERROR.parseError, 'code for bad JSON');
        const empty = await fetch(server.url, { method: 'POST', headers: { 'content-length': '0' } });
        assert.equal((await answer(empty)).error?.code, JSON_RPC_ERROR.parseError, 'code for an empty body');
        const elsewhere = await postJson(`http://127.0.0.1:${server.port}/a2a/inbound`, rpc('x'));
        assert.equal(elsewhere.status, 404, 'another path');
        await elsewhere.body?.cancel();
        const get = await fetch(server.url);
        assert.equal(get.status, 405, 'GET');
        assert.equal(get.headers.get('allow'), 'POST', 'Allow');
        await get.body?.cancel();
        assert.equal(calls, 0, 'onMessage calls');
      }),
    );

    it(
      'a throwing onMessage gives JSON-RPC -32603 without the exception text',
      withServers(subject, async (start) => {
        const server = await start({
          onMessage: () => {
            throw new Error('secret-internal-detail');
          },
        });
        const text = await (await postJson(server.url, rpc('x'))).text();
        assert.deepEqual(
          (JSON.parse(text) as RpcAnswer).error,
          { code: JSON_RPC_ERROR.internalError, message: 'Internal error' },
          'error',
        );
        assert.ok(!text.includes('secret-internal-detail'), 'an answer without the exception text');
      }),
    );

    it(
      'serves a custom fetch handler with publicOrigin shaping the URL; one that throws becomes a bare 500',
      withServers(subject, async (start) => {
        const handler = createA2AHandler({ path: '/hook/abc', onMessage: () => 'via handler' });
        const server = await start({ handler, publicOrigin: 'http://localhost:{port}/' });
        assert.equal(server.url, `http://localhost:${server.port}/hook/abc`, 'URL from publicOrigin');
        const routed = await postJson(`http://127.0.0.1:${server.port}/hook/abc`, rpc('x'));
        assert.equal(await replyText(routed), 'via handler', 'reply');

        const throwing = await start({
          handler: async () => {
            throw new Error('boom-detail');
          },
        });
        const response = await fetch(throwing.url, { method: 'POST', body: '{}' });
        assert.equal(response.status, 500, 'status');
        assert.ok(!(await response.text()).includes('boom-detail'), 'an answer without the exception text');
      }),
    );

    it(
      'handles requests concurrently: five handlers are inside at the same time',
      withServers(subject, async (start) => {
        const arrived: string[] = [];
        const allIn = deferred();
        const server = await start({
          onMessage: async (message) => {
            arrived.push(message.text);
            if (arrived.length === 5) allIn.resolve();
            // Every handler waits for all five: only possible when they run at the same time.
            await allIn.promise;
            return `done ${message.text}`;
          },
        });
        const replies = await Promise.all(
          [1, 2, 3, 4, 5].map(async (i) => replyText(await postJson(server.url, rpc(String(i), i)))),
        );
        assert.deepEqual(replies.sort(), ['done 1', 'done 2', 'done 3', 'done 4', 'done 5'], 'replies');
      }),
    );

    it(
      'answers 413 over the body cap, declared or streamed; the default cap is 1 MiB',
      withServers(subject, async (start) => {
        const server = await start({
          onMessage: (message) => String(message.text.length),
          maxBodyBytes: 1_000,
        });
        const declared = await fetch(server.url, {
          method: 'POST',
          body: JSON.stringify(rpc('y'.repeat(5_000))),
        });
        assert.equal(declared.status, 413, 'a declared body over the cap');
        await declared.body?.cancel();
        const streamed = await fetch(server.url, {
          method: 'POST',
          body: streamedBody(20, 'z'.repeat(100)),
          duplex: 'half',
        } as RequestInit);
        assert.equal(streamed.status, 413, 'a streamed body over the cap');
        await streamed.body?.cancel();
        const fits = await fetch(server.url, { method: 'POST', body: JSON.stringify(rpc('q'.repeat(800))) });
        assert.equal(await replyText(fits), '800', 'a body under the cap');

        const roomy = await start({ onMessage: (message) => String(message.text.length) });
        const nearly = JSON.stringify(rpc('q'.repeat(1024 * 1024 - 200)));
        assert.equal(
          await replyText(await fetch(roomy.url, { method: 'POST', body: nearly })),
          String(1024 * 1024 - 200),
          'just under 1 MiB',
        );
        const over = await fetch(roomy.url, {
          method: 'POST',
          body: JSON.stringify(rpc('q'.repeat(1024 * 1024))),
        });
        assert.equal(over.status, 413, 'over 1 MiB');
        await over.body?.cancel();
      }),
    );

    it(
      'answers 503 with Retry-After while maxConcurrent handlers are busy, and recovers',
      withServers(subject, async (start) => {
        const held = heldHandler('first');
        const server = await start({ maxConcurrent: 1, onMessage: held.onMessage });
        const first = postJson(server.url, rpc('1'));
        await held.entered;
        assert.equal(server.inFlight, 1, 'inFlight');
        const second = await postJson(server.url, rpc('2'));
        assert.equal(second.status, 503, 'status when full');
        assert.equal(second.headers.get('retry-after'), '1', 'Retry-After');
        await second.body?.cancel();
        held.release();
        assert.equal(await replyText(await first), 'first', 'the first request');
        assert.equal((await postJson(server.url, rpc('3'))).status, 200, 'status once free');
      }),
    );

    it(
      'stop drains: an in-flight handler finishes and answers before stop resolves; new requests are refused',
      withServers(subject, async (start) => {
        const held = heldHandler('finished');
        const server = await start({ onMessage: held.onMessage });
        const inFlight = postJson(server.url, rpc('x'));
        await held.entered;
        let stopped = false;
        const stopping = server.stop().then(() => {
          stopped = true;
        });
        await sleep(50);
        assert.equal(stopped, false, 'stopped while a handler runs');
        await assert.rejects(postJson(server.url, rpc('late')), () => true, 'a request during the stop');
        held.release();
        assert.equal(await replyText(await inFlight), 'finished', 'the in-flight reply');
        await stopping;
        assert.equal(stopped, true, 'stopped once it finished');
      }),
    );

    it(
      'stop gives up on a stuck handler after timeoutMs and closes everything',
      withServers(subject, async (start) => {
        // Never released.
        const held = heldHandler('never');
        const server = await start({ onMessage: held.onMessage });
        const stuck = postJson(server.url, rpc('x')).then(
          (response) => response.status,
          () => 'cut',
        );
        await held.entered;
        await server.stop({ timeoutMs: 100 });
        assert.equal(await stuck, 'cut', 'the stuck request');
        await assert.rejects(postJson(server.url, rpc('late')), () => true, 'a request after the stop');
      }),
    );

    it(
      'refuses bad options with ConfigError: neither or both of handler and onMessage, no concurrency, a taken port',
      withServers(subject, async (start) => {
        const isConfigError = (error: unknown): boolean => error instanceof ConfigError;
        await assert.rejects(subject.start({}), isConfigError, 'neither handler nor onMessage');
        await assert.rejects(
          subject.start({ onMessage: () => 'x', handler: async () => new Response() }),
          isConfigError,
          'both handler and onMessage',
        );
        await assert.rejects(
          subject.start({ onMessage: () => 'x', maxConcurrent: 0 }),
          isConfigError,
          'maxConcurrent 0',
        );
        const taken = await start({ onMessage: () => 'x' });
        await assert.rejects(
          subject.start({ onMessage: () => 'x', port: taken.port }),
          isConfigError,
          'a taken port',
        );
      }),
    );
  });
}
