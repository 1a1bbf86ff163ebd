import { describe, it } from 'bun:test';
import { createFetchTransport } from '@molecule-ai/agent-core/ports';
import { testHttpTransport } from '@molecule-ai/agent-core/testing';

// The core's HTTP transport contract, run in the real Bun runtime against the fetch transport that
// Bun agents use, on listeners of Bun's own server.
function serve(handler: (request: Request) => Response | Promise<Response>) {
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handler });
  return Promise.resolve({
    url: `http://127.0.0.1:${server.port}`,
    close: async () => {
      await server.stop(true);
    },
  });
}

async function refusedUrl(): Promise<string> {
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response() });
  const url = `http://127.0.0.1:${server.port}`;
  await server.stop(true);
  return url;
}

describe('fetch transport (Bun fetch)', () => {
  testHttpTransport({ describe, it }, { makeTransport: () => createFetchTransport(), serve, refusedUrl });
});
