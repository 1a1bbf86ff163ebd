import { UnsupportedError } from '@molecule-ai/agent-core';

/**
 * Throws a clear {@link UnsupportedError} when a Bun-only function is called outside Bun (for
 * example by a Node program that imported this package by mistake), instead of a bare
 * `ReferenceError: Bun is not defined`. Importing the package never throws.
 */
export function requireBun(what: string): void {
  if (typeof Bun === 'undefined') {
    throw new UnsupportedError(
      `${what} needs the Bun runtime (https://bun.sh); on Node use @molecule-ai/agent-node instead`,
    );
  }
}
