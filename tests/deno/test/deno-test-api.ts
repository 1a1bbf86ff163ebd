/**
 * The core's contract suites take a tiny `{ describe, it }` interface instead of a test runner;
 * this maps it onto `Deno.test`, one Deno test per `it`, named by its `describe` path.
 */
import type { TestApi } from '@molecule-ai/agent-core/testing';

/** A {@link TestApi} that registers each case with `Deno.test` under `prefix › describe › it`. */
export function denoTestApi(prefix: string): TestApi {
  const path: string[] = [prefix];
  return {
    describe(name, fn) {
      path.push(name);
      try {
        fn();
      } finally {
        path.pop();
      }
    },
    it(name, fn) {
      Deno.test([...path, name].join(' › '), async () => {
        await fn();
      });
    },
  };
}
