import { defineConfig } from 'vitest/config';

// The samples that are tests themselves run as they are; the others are run by test/*.test.ts.
export default defineConfig({
  test: { include: ['test/**/*.test.ts', 'samples/**/*.test.ts'], testTimeout: 30_000 },
});
