import { startPlatformServer } from '@molecule-ai/platform-sim/node';
import { describe, it } from 'vitest';
import { createFetchTransport } from '../src/http/fetch-transport.js';
import { testHttpTransport } from '../src/testing/index.js';
import { closedPort } from './helpers/scripted-server.js';

describe('fetch transport (global fetch)', () => {
  testHttpTransport(
    { describe, it },
    {
      makeTransport: () => createFetchTransport(),
      serve: (handler) => startPlatformServer({ fetch: async (request) => handler(request) }),
      refusedUrl: async () => `http://127.0.0.1:${await closedPort()}`,
    },
  );
});
