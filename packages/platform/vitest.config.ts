import { defineConfig } from 'vitest/config';

// Node: every test (portable + Node-only). The workers config runs the portable ones in workerd.
export default defineConfig({
  test: {
    include: ['test/portable/**/*.test.ts', 'test/node/**/*.test.ts'],
    globalSetup: ['test/node/global-setup.ts'],
    testTimeout: 20_000,
  },
});
