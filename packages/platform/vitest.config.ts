import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Node: every test (portable + Node-only). The workers config runs the portable ones in workerd.
// The package names resolve to the sources so the README example runs exactly as written.
export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@molecule-ai\/platform-sim\/node$/,
        replacement: fileURLToPath(new URL('./src/node/index.ts', import.meta.url)),
      },
      {
        find: /^@molecule-ai\/platform-sim$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/portable/**/*.test.ts', 'test/node/**/*.test.ts'],
    globalSetup: ['test/node/global-setup.ts'],
    testTimeout: 20_000,
  },
});
