/**
 * Contract suites are written against this tiny interface instead of importing a test runner,
 * so the same suite runs under vitest (Node), vitest-pool-workers (workerd) and `bun test`.
 * Pass the runner's own functions: `testTokenStore({ describe, it }, factory)`.
 */
export interface TestApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void> | void): void;
}

/** Thrown by the contract assertions; every runner reports it as a failed test. */
export class ContractAssertionError extends Error {
  override name = 'ContractAssertionError';
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Minimal assertions with clear messages, independent of any runner's `expect`. */
export interface ContractAssert {
  /** `actual` is `expected` (`Object.is`). */
  equal<T>(actual: T, expected: T, what?: string): void;
  /** `actual` and `expected` serialise to the same JSON. */
  deepEqual(actual: unknown, expected: unknown, what?: string): void;
  /** `condition` holds. */
  ok(condition: unknown, what: string): asserts condition;
  /** `value`, or a failed assertion naming `what` when it is `null` or `undefined`. */
  present<T>(value: T | null | undefined, what: string): T;
  /** `promise` rejects with an error that `match` accepts. */
  rejects(promise: Promise<unknown>, match: (error: unknown) => boolean, what: string): Promise<void>;
}

/** The assertions of the contract suites (typed, so that `assert.ok` narrows). */
export const assert: ContractAssert = {
  equal<T>(actual: T, expected: T, what = 'value'): void {
    if (!Object.is(actual, expected)) {
      throw new ContractAssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
    }
  },
  deepEqual(actual: unknown, expected: unknown, what = 'value'): void {
    if (show(actual) !== show(expected)) {
      throw new ContractAssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
    }
  },
  ok(condition: unknown, what: string): asserts condition {
    if (!condition) throw new ContractAssertionError(`expected ${what}`);
  },
  present<T>(value: T | null | undefined, what: string): T {
    if (value === null || value === undefined) throw new ContractAssertionError(`expected ${what}`);
    return value;
  },
  async rejects(promise: Promise<unknown>, match: (error: unknown) => boolean, what: string): Promise<void> {
    try {
      await promise;
    } catch (error) {
      if (match(error)) return;
      throw new ContractAssertionError(`${what}: rejected with the wrong error: ${String(error)}`);
    }
    throw new ContractAssertionError(`${what}: expected a rejection`);
  },
};
