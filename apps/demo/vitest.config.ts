import { defineConfig } from 'vitest/config';

// The tests run the built demo (dist/main.js) as a child process, as `pnpm demo` does.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 90_000,
  },
});
