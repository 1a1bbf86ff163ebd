import { certainlyNotSent } from '../http/network-error.js';
import type { HttpTransport, TransportRequest } from '../ports/http-transport.js';
import { assert, ContractAssertionError, type TestApi } from './harness.js';

/** A fetch handler served on a real listener for one test. */
export interface ServedHandler {
  /** `http://host:port` of the listener. */
  url: string;
  close(): Promise<void>;
}

/** What the HTTP transport contract needs from the runtime under test. */
export interface HttpTransportContractSubject {
  /** A transport to test; called once per test. */
  makeTransport(): HttpTransport;
  /** Serves `handler` on a real HTTP listener of the runtime (e.g. the simulator's node listener). */
  serve(handler: (request: Request) => Response | Promise<Response>): Promise<ServedHandler>;
  /** An http URL where nothing listens (connection refused). */
  refusedUrl(): Promise<string> | string;
}

const encoder = new TextEncoder();

function request(url: string, overrides: Partial<TransportRequest> = {}): TransportRequest {
  return {
    method: 'GET',
    url,
    headers: {},
    body: undefined,
    signal: new AbortController().signal,
    timeoutMs: 30_000,
    read: 'text',
    maxBodyBytes: 1024 * 1024,
    ...overrides,
  };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function bodyOf(body: ReadableStream<Uint8Array> | null): ReadableStream<Uint8Array> {
  if (body === null) throw new ContractAssertionError('expected a body stream, got null');
  return body;
}

/** A body that sends `first` and then nothing until the client gives up. */
function stalledBody(first: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode(first));
    },
  });
}

async function withServer(
  subject: HttpTransportContractSubject,
  handler: (request: Request) => Response | Promise<Response>,
  test: (url: string) => Promise<void>,
): Promise<void> {
  const served = await subject.serve(handler);
  try {
    await test(served.url);
  } finally {
    await served.close();
  }
}

/** Serves `handler` and sends it a request that is aborted 50 ms later: the send must reject. */
async function assertAbortRejectsSend(
  subject: HttpTransportContractSubject,
  handler: (request: Request) => Response | Promise<Response>,
  what: string,
): Promise<void> {
  await withServer(subject, handler, async (url) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('gave up')), 50);
    await assert.rejects(
      subject.makeTransport().send(request(url, { signal: controller.signal })),
      () => true,
      what,
    );
  });
}

/**
 * The behaviour every {@link HttpTransport} must have, on a real listener: bytes and headers both
 * ways, 3xx answered and not followed, the text-mode body cap, streaming, abort before the headers
 * and during the body, and a refused connection reported so that `certainlyNotSent` sees it.
 */
export function testHttpTransport(api: TestApi, subject: HttpTransportContractSubject): void {
  api.describe('HttpTransport contract', () => {
    api.it('sends method, headers and body bytes; answers status, headers and the body text', async () => {
      let seen:
        | { method: string; path: string; auth: string | null; type: string | null; body: string }
        | undefined;
      await withServer(
        subject,
        async (req) => {
          const url = new URL(req.url);
          seen = {
            method: req.method,
            path: url.pathname + url.search,
            auth: req.headers.get('authorization'),
            type: req.headers.get('content-type'),
            body: await req.text(),
          };
          return new Response('{"ok":true,"text":"é"}', {
            status: 201,
            headers: { 'content-type': 'application/json', 'Retry-After': '3' },
          });
        },
        async (url) => {
          const response = await subject.makeTransport().send(
            request(`${url}/a/b?x=1&y=%20`, {
              method: 'POST',
              headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
              body: encoder.encode('{"n":"é"}'),
            }),
          );
          assert.equal(response.status, 201, 'status');
          assert.equal(response.text, '{"ok":true,"text":"é"}', 'body text');
          assert.equal(response.body, null, 'no stream in text mode');
          assert.equal(response.headers.get('retry-after'), '3', 'header by lower-case name');
          assert.equal(response.headers.get('Content-Type'), 'application/json', 'header by mixed-case name');
          assert.equal(response.headers.get('x-absent'), null, 'absent header');
          assert.deepEqual(
            seen,
            {
              method: 'POST',
              path: '/a/b?x=1&y=%20',
              auth: 'Bearer t',
              type: 'application/json',
              body: '{"n":"é"}',
            },
            'what the server saw',
          );
        },
      );
    });

    api.it('never sends a fragment; an origin-only URL asks for /', async () => {
      const paths: string[] = [];
      await withServer(
        subject,
        (req) => {
          const url = new URL(req.url);
          paths.push(url.pathname + url.search);
          return new Response('ok');
        },
        async (url) => {
          const transport = subject.makeTransport();
          await transport.send(request(`${url}/p?q=1#fragment`));
          await transport.send(request(url));
          assert.deepEqual(paths, ['/p?q=1', '/'], 'paths the server saw');
        },
      );
    });

    api.it('answers a 3xx as it is and never follows it', async () => {
      const paths: string[] = [];
      await withServer(
        subject,
        (req) => {
          const url = new URL(req.url);
          paths.push(url.pathname);
          return new Response('', { status: 307, headers: { location: `${url.origin}/elsewhere` } });
        },
        async (url) => {
          const response = await subject.makeTransport().send(request(`${url}/first`));
          assert.equal(response.status, 307, 'status');
          assert.deepEqual(paths, ['/first'], 'requests the server saw');
        },
      );
    });

    api.it('an empty body is the empty string', async () => {
      await withServer(
        subject,
        () => new Response(null, { status: 404 }),
        async (url) => {
          const response = await subject.makeTransport().send(request(url));
          assert.equal(response.status, 404, 'status');
          assert.equal(response.text, '', 'body text');
        },
      );
    });

    api.it('text mode answers null past maxBodyBytes, with or without a Content-Length', async () => {
      const big = 'x'.repeat(64 * 1024);
      await withServer(
        subject,
        (req) =>
          new URL(req.url).pathname === '/chunked'
            ? new Response(
                new ReadableStream({
                  start(controller) {
                    for (let i = 0; i < 8; i++) controller.enqueue(encoder.encode(big));
                    controller.close();
                  },
                }),
              )
            : new Response(big),
        async (url) => {
          const transport = subject.makeTransport();
          const sized = await transport.send(request(`${url}/sized`, { maxBodyBytes: 1000 }));
          assert.equal(sized.text, null, 'over the cap with Content-Length');
          const chunked = await transport.send(request(`${url}/chunked`, { maxBodyBytes: 100_000 }));
          assert.equal(chunked.text, null, 'over the cap without Content-Length');
          const fits = await transport.send(request(`${url}/sized`, { maxBodyBytes: big.length }));
          assert.equal(fits.text?.length, big.length, 'exactly at the cap');
        },
      );
    });

    api.it('undoes a gzip content coding; the cap counts decoded bytes', async () => {
      const text = `{"pad":"${' '.repeat(200_000)}"}`;
      const gzipped = await gzip(text);
      await withServer(
        subject,
        () =>
          new Response(gzipped, {
            headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' },
          }),
        async (url) => {
          const transport = subject.makeTransport();
          const whole = await transport.send(request(url));
          assert.equal(whole.text, text, 'decoded text');
          const capped = await transport.send(request(url, { maxBodyBytes: 100_000 }));
          assert.equal(capped.text, null, 'a small compressed body that inflates past the cap');
          const streamed = await transport.send(request(url, { read: 'stream' }));
          assert.equal(await readAll(bodyOf(streamed.body)), text, 'decoded stream');
        },
      );
    });

    api.it('stream mode answers at the headers with the unread body', async () => {
      await withServer(
        subject,
        () =>
          new Response(
            new ReadableStream({
              start(controller) {
                for (let i = 0; i < 50; i++) controller.enqueue(encoder.encode(`${i},`));
                controller.close();
              },
            }),
            { headers: { 'x-plugin-name': 'demo' } },
          ),
        async (url) => {
          const response = await subject.makeTransport().send(request(url, { read: 'stream' }));
          assert.equal(response.status, 200, 'status');
          assert.equal(response.headers.get('x-plugin-name'), 'demo', 'header');
          const body = bodyOf(response.body);
          const expected = Array.from({ length: 50 }, (_, i) => `${i},`).join('');
          assert.equal(await readAll(body), expected, 'streamed body');
        },
      );
    });

    api.it(
      'a body trickling in piece by piece streams without empty reads, and an abort ends it',
      async () => {
        const pieces = 8;
        const trickle = (): ReadableStream<Uint8Array> => {
          let sent = 0;
          return new ReadableStream({
            async pull(controller) {
              if (sent === pieces) {
                controller.close();
                return;
              }
              if (sent > 0) await new Promise((resolve) => setTimeout(resolve, 20));
              controller.enqueue(encoder.encode(`piece ${sent++};`));
            },
          });
        };
        const expected = Array.from({ length: pieces }, (_, i) => `piece ${i};`).join('');
        await withServer(
          subject,
          // With a Content-Length (as a plugin download has) rather than chunked framing.
          () => new Response(trickle(), { headers: { 'content-length': String(expected.length) } }),
          async (url) => {
            const transport = subject.makeTransport();
            // A reader answered with nothing over and over spins without yielding to the event loop;
            // counting reads turns that into a failure instead of a hang.
            const readBounded = async (body: ReadableStream<Uint8Array>): Promise<string> => {
              const reader = body.getReader();
              const decoder = new TextDecoder();
              let text = '';
              for (let reads = 1; ; reads++) {
                if (reads > pieces * 4)
                  throw new ContractAssertionError(`${reads} reads for ${pieces} pieces`);
                const { done, value } = await reader.read();
                if (done) return text;
                text += decoder.decode(value, { stream: true });
              }
            };
            const whole = await transport.send(request(url, { read: 'stream' }));
            assert.equal(await readBounded(bodyOf(whole.body)), expected, 'trickled body');
            const controller = new AbortController();
            const aborted = await transport.send(request(url, { signal: controller.signal, read: 'stream' }));
            setTimeout(() => controller.abort(new Error('gave up')), 50);
            await assert.rejects(
              readBounded(bodyOf(aborted.body)),
              (error) => !(error instanceof ContractAssertionError),
              'trickled body read after the abort',
            );
          },
        );
      },
    );

    api.it('an abort before the headers rejects the send', async () => {
      await assertAbortRejectsSend(
        subject,
        () => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response('late')), 2_000)),
        'send aborted before the headers',
      );
    });

    api.it('an abort while the text body is stalled rejects the send', async () => {
      await assertAbortRejectsSend(
        subject,
        () => new Response(stalledBody('partial')),
        'send aborted mid-body',
      );
    });

    api.it('an abort while a streamed body is stalled errors the stream', async () => {
      await withServer(
        subject,
        () => new Response(stalledBody('partial')),
        async (url) => {
          const controller = new AbortController();
          const response = await subject
            .makeTransport()
            .send(request(url, { signal: controller.signal, read: 'stream' }));
          const body = bodyOf(response.body);
          setTimeout(() => controller.abort(new Error('gave up')), 50);
          await assert.rejects(readAll(body), () => true, 'stream read after the abort');
        },
      );
    });

    api.it('no headers within timeoutMs: rejects with an error named TimeoutError', async () => {
      await withServer(
        subject,
        () => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response('late')), 2_000)),
        async (url) => {
          await assert.rejects(
            subject.makeTransport().send(request(url, { signal: undefined, timeoutMs: 50 })),
            (error) => (error as { name?: unknown }).name === 'TimeoutError',
            'send past its time limit',
          );
        },
      );
    });

    api.it('a text body stalled past timeoutMs rejects with an error named TimeoutError', async () => {
      await withServer(
        subject,
        () => new Response(stalledBody('partial')),
        async (url) => {
          await assert.rejects(
            subject.makeTransport().send(request(url, { timeoutMs: 50 })),
            (error) => (error as { name?: unknown }).name === 'TimeoutError',
            'text body past the time limit',
          );
        },
      );
    });

    api.it(
      'a body declared with a Content-Length that stalls times out and aborts like any other',
      async () => {
        const declared = () => new Response(stalledBody('partial'), { headers: { 'content-length': '100' } });
        await withServer(subject, declared, async (url) => {
          await assert.rejects(
            subject.makeTransport().send(request(url, { timeoutMs: 50 })),
            (error) => (error as { name?: unknown }).name === 'TimeoutError',
            'declared body past the time limit',
          );
        });
        await assertAbortRejectsSend(subject, declared, 'send aborted in a declared body');
      },
    );

    api.it('in stream mode timeoutMs covers the headers only, and no signal is needed', async () => {
      const pieces = 6;
      const slowBody = (): ReadableStream<Uint8Array> => {
        let sent = 0;
        return new ReadableStream({
          async pull(controller) {
            await new Promise((resolve) => setTimeout(resolve, 30));
            controller.enqueue(encoder.encode('x'));
            if (++sent === pieces) controller.close();
          },
        });
      };
      await withServer(
        subject,
        () => new Response(slowBody()),
        async (url) => {
          // Six pieces 30 ms apart take longer than the 100 ms limit.
          const response = await subject
            .makeTransport()
            .send(request(url, { signal: undefined, timeoutMs: 100, read: 'stream' }));
          assert.equal(await readAll(bodyOf(response.body)), 'x'.repeat(pieces), 'slow streamed body');
        },
      );
    });

    api.it('an already aborted signal rejects without an answer', async () => {
      let requests = 0;
      await withServer(
        subject,
        () => {
          requests++;
          return new Response('ok');
        },
        async (url) => {
          const controller = new AbortController();
          controller.abort(new Error('before'));
          await assert.rejects(
            subject.makeTransport().send(request(url, { signal: controller.signal })),
            () => true,
            'send with an aborted signal',
          );
          assert.equal(requests, 0, 'requests the server answered');
        },
      );
    });

    api.it('a refused connection rejects with an error certainlyNotSent recognises', async () => {
      const url = await subject.refusedUrl();
      await assert.rejects(
        subject.makeTransport().send(request(`${url}/x`)),
        (error) => certainlyNotSent(error),
        'send to a closed port',
      );
    });

    api.it('serves many sequential and concurrent requests on kept-alive connections', async () => {
      let count = 0;
      await withServer(
        subject,
        () => new Response(String(++count)),
        async (url) => {
          const transport = subject.makeTransport();
          for (let i = 0; i < 20; i++) {
            assert.equal((await transport.send(request(url))).status, 200, 'status');
          }
          const answers = await Promise.all(Array.from({ length: 40 }, () => transport.send(request(url))));
          assert.equal(new Set(answers.map((a) => a.text)).size, 40, 'distinct answers');
        },
      );
    });
  });
}
