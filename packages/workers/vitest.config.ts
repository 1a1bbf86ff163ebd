import { defineConfig } from 'vitest/config';

// Node-side checks (the example worker run through the miniflare API). The workerd tests have
// their own config: vitest.workers.config.ts.
export default defineConfig({
  test: {
    include: ['test/node/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
