import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testHttpTransport } from '@molecule-ai/agent-core/testing';
import { startPlatformServer } from '@molecule-ai/platform-sim/node';
import { describe, it } from 'vitest';
import { createUndiciTransport } from '../../src/http/undici-transport.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('undici transport', () => {
  testHttpTransport(
    { describe, it },
    {
      makeTransport: () => createUndiciTransport({ connections: 4 }),
      serve: (handler) => startPlatformServer({ fetch: async (request) => handler(request) }),
      refusedUrl: async () => `http://127.0.0.1:${await closedPort()}`,
    },
  );
});
