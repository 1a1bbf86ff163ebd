import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Tests in test/workers/ and examples/ run inside workerd (the Workers runtime) through vitest-pool-workers.
// The pool, vitest, wrangler and miniflare are pinned together (0.15.1 / 4.1 / 4.86.0 / 4.20260426.0):
// upgrade them as one change.
export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './test/workers/fixture-worker.ts',
      miniflare: {
        compatibilityDate: '2026-04-01',
        // The pool's own runner needs nodejs_compat; the package itself uses no Node built-in,
        // which the neutral bundle check proves separately.
        compatibilityFlags: ['nodejs_compat'],
        kvNamespaces: ['TOKENS', 'CURSORS', 'AGENT_KV'],
        // The Durable Object agents of test/workers/fixture-worker.ts: push and poll-only.
        durableObjects: {
          AGENTS: { className: 'PushAgent', useSQLite: true },
          POLL_AGENTS: { className: 'PollAgent', useSQLite: true },
          STORES: { className: 'StoreObject', useSQLite: true },
        },
        bindings: {
          WORKSPACE_ID: '00000000-0000-4000-8000-00000000a9e7',
          PLATFORM_URL: 'http://platform.sim',
          PUBLIC_URL: 'https://agent.example',
          PUSH_SECRET: 'test-push-secret-0123456789abcdef',
          CONTROL_SECRET: 'test-control-secret-0123456789',
        },
      },
    }),
  ],
  test: {
    // examples/: the README's samples, run against a simulator on a local port (the global setup).
    include: ['test/workers/**/*.test.ts', 'examples/**/*.test.ts'],
    globalSetup: ['./examples/platform.setup.ts'],
  },
});
