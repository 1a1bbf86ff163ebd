import {
  type AgentExit,
  type AgentHandler,
  type RunAgentOptions,
  runAgentWithHost,
} from '@molecule-ai/agent-core/agent';
import { createAgentHost as createNodeCompatibleHost } from '@molecule-ai/agent-node';
import { startPushDelivery } from '../push/push-delivery.js';

/**
 * What `runAgent` runs on in Bun: the same environment, stderr logger, token and cursor files and
 * signal handling as on Node (Bun implements the `node:` APIs they use exactly, which the Bun tests
 * prove), with Bun's fetch and a `Bun.serve` push server.
 */
export function createAgentHost(
  options: Parameters<typeof createNodeCompatibleHost>[0] = {},
): ReturnType<typeof createNodeCompatibleHost> {
  return {
    ...createNodeCompatibleHost(options),
    // Bun's own fetch: the Node host's undici transport does not run on Bun.
    transport: undefined,
    startPushDelivery: ({ host, port, publicOrigin, logger }) =>
      startPushDelivery({ host, port, publicOrigin, logger }),
  };
}

/**
 * Runs an agent until the platform pauses or deletes its workspace, the platform stops accepting
 * its token, or the process gets SIGINT or SIGTERM (messages in flight finish first; a second
 * signal ends the process at once). The same function as `runAgent` of `@molecule-ai/agent-node`,
 * with the same options and `MOLECULE_*` variables; pushes are served with `Bun.serve`.
 *
 * Resolves with the exit: `reason` is `paused`, `deleted`, `revoked`, `aborted` (a signal or
 * `options.signal`) or `max-iterations`. Rejects with a ConfigError before any I/O when a setting
 * is wrong, or with the platform's error when the registration fails.
 *
 * @example
 * import { runAgent } from '@molecule-ai/agent-bun';
 *
 * const exit = await runAgent((message) => `You said: ${message.text}`);
 * console.log(`stopped: ${exit.reason}`);
 */
export function runAgent(handler: AgentHandler, options: RunAgentOptions = {}): Promise<AgentExit> {
  return runAgentWithHost(handler, options, createAgentHost({ env: options.env }));
}
