import { pluginsUnsupported } from './unsupported-error.js';

/**
 * Plugin install on Workers: always rejects with an `UnsupportedError` that says why and what to do
 * instead. It exists so that code written for the Node or Bun packages fails with a clear message
 * here rather than somewhere deep inside the install pipeline.
 */
export async function installPlugin(..._args: unknown[]): Promise<never> {
  throw pluginsUnsupported();
}
