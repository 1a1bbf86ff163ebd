/**
 * The core's HTTP transport contract, run by `deno test` against the fetch transport (Deno's own
 * fetch) on listeners of `Deno.serve`.
 */
import { createFetchTransport } from '@molecule-ai/agent-core/ports';
import { testHttpTransport } from '@molecule-ai/agent-core/testing';
import { denoTestApi } from './deno-test-api.ts';

function serve(handler: (request: Request) => Response | Promise<Response>) {
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, handler);
  return Promise.resolve({
    url: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  });
}

async function refusedUrl(): Promise<string> {
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, () => new Response());
  const url = `http://127.0.0.1:${server.addr.port}`;
  await server.shutdown();
  return url;
}

testHttpTransport(denoTestApi('fetch transport (Deno fetch)'), {
  makeTransport: () => createFetchTransport(),
  serve,
  refusedUrl,
});
