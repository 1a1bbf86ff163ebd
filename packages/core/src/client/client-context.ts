import { ConfigError } from '../errors.js';
import type { ClientContext } from './context.js';

/** The context of every client `createAgentClient` made, for the functions of other subpaths that act as one. */
const CONTEXTS = new WeakMap<object, ClientContext>();

/** Makes `ctx` the context of `client`. */
export function attachClientContext(client: object, ctx: ClientContext): void {
  CONTEXTS.set(client, ctx);
}

/**
 * Runs `work` with the context of a client made by `createAgentClient`; a failure leaves the client
 * scrubbed of the secrets it holds, whatever a server echoed (as every client method does).
 */
export async function withClientContext<T>(
  client: object,
  work: (ctx: ClientContext) => Promise<T>,
): Promise<T> {
  const ctx = CONTEXTS.get(client);
  if (!ctx) throw new ConfigError('expected a client made by createAgentClient');
  try {
    return await work(ctx);
  } catch (error) {
    throw ctx.secrets.error(error);
  }
}
