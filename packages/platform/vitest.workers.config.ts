import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// workerd: the portable suite (Web APIs only) plus the Worker-entry test. Node-only tests
// (listener, CLI, GNU tar, folders) are not included. Reporters come from the command line.
export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './test/workers/worker.ts',
      miniflare: { compatibilityDate: '2025-01-01', compatibilityFlags: ['nodejs_compat'] },
    }),
  ],
  test: {
    include: ['test/portable/**/*.test.ts', 'test/workers/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
