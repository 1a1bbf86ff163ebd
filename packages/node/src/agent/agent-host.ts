import type { AgentHost } from '@molecule-ai/agent-core/agent';
import { sharedHttpTransport } from '../http/undici-transport.js';
import { onStopSignals } from '../loops/process-signals.js';
import { startPushDelivery } from '../push/push-delivery.js';
import { createFileCursorStore } from '../stores/file-cursor-store.js';
import { createFileTokenStore } from '../stores/file-token-store.js';
import { defaultMoleculeDirectory } from '../stores/paths.js';
import { createStderrLogger } from './stderr-logger.js';

/** Options of {@link createAgentHost}. */
export interface AgentHostOptions {
  /** Where `MOLECULE_*` are read. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * What `runAgent` runs on here: `process.env`, the shared keep-alive transport, a stderr logger, the token and cursor files
 * (under `MOLECULE_TOKEN_DIR`, else `~/.molecule`), this runtime's push server and process
 * signals. For `runAgentWithHost` from `@molecule-ai/agent-core`, to swap one part (another
 * runtime's push server, say) and keep the rest.
 */
export function createAgentHost(options: AgentHostOptions = {}): AgentHost {
  const env = options.env ?? process.env;
  return {
    env,
    transport: sharedHttpTransport(),
    createLogger: (level) => createStderrLogger({ level }),
    createTokenStore: ({ directory, logger }) =>
      createFileTokenStore({ directory: directory ?? defaultMoleculeDirectory(env), logger }),
    createCursorStore: ({ directory, file, logger }) =>
      createFileCursorStore({ directory: directory ?? defaultMoleculeDirectory(env), file, logger }),
    startPushDelivery: ({ host, port, publicOrigin, logger }) =>
      startPushDelivery({ host, port, publicOrigin, logger }),
    onStopSignals: (signals, listener) =>
      onStopSignals(signals as readonly NodeJS.Signals[], (signal) => listener(signal)),
  };
}
