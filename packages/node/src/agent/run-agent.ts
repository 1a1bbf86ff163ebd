import {
  type AgentExit,
  type AgentHandler,
  type RunAgentOptions,
  runAgentWithHost,
} from '@molecule-ai/agent-core/agent';
import { createAgentHost } from './agent-host.js';

/**
 * Runs an agent until the platform pauses or deletes its workspace, the platform stops accepting
 * its token, or the process gets SIGINT or SIGTERM (messages in flight finish first; a second
 * signal ends the process at once). Every option falls back to its `MOLECULE_*` variable, the same
 * ones the `molecule-agent` CLI reads; only the platform URL and the workspace id are required.
 *
 * It registers (saving an issued token in the token file under `MOLECULE_TOKEN_DIR`, else
 * `~/.molecule`), then heartbeats, watches the workspace state and hands each inbound message to
 * `handler`; a string it returns is the reply. With a listen address or a public URL
 * (`MOLECULE_LISTEN`, `MOLECULE_PUBLIC_URL`) it serves pushes, otherwise it polls, keeping its
 * cursor next to the token. Warnings and errors go to stderr (`MOLECULE_LOG` sets the level).
 *
 * Resolves with the {@link AgentExit}: `reason` is `paused`, `deleted`, `revoked`, `aborted`
 * (a signal or `options.signal`) or `max-iterations`. Rejects with a ConfigError before any I/O
 * when a setting is wrong, or with the platform's error when the registration fails.
 *
 * @example
 * import { runAgent } from '@molecule-ai/agent-node';
 *
 * const exit = await runAgent((message) => `You said: ${message.text}`);
 * console.log(`stopped: ${exit.reason}`);
 */
export function runAgent(handler: AgentHandler, options: RunAgentOptions = {}): Promise<AgentExit> {
  return runAgentWithHost(handler, options, createAgentHost({ env: options.env }));
}
