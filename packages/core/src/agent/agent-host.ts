import type { ServedPushDelivery } from '../inbound/push-delivery.js';
import type { CursorStore } from '../ports/cursor-store.js';
import type { HttpTransport } from '../ports/http-transport.js';
import type { LogThreshold } from '../ports/log-level.js';
import type { Logger } from '../ports/logger.js';
import type { TokenStore } from '../ports/token-store.js';
import type { Environment } from './agent-environment.js';

/**
 * What `runAgent` needs from the host it runs on (Node, Bun): the environment, a default logger,
 * file stores, a push server and process signals. Each runtime package builds one with its
 * `createAgentHost()`; `runAgentWithHost` holds every decision, so both runtimes behave alike.
 */
export interface AgentHost {
  /** Where `MOLECULE_*` are read when the options give no `env`. */
  env: Environment;
  /** How requests are sent when the options give neither `fetch` nor `transport` (default: fetch). */
  transport?: HttpTransport | undefined;
  /** The default logger at `level` (stderr on Node and Bun). */
  createLogger(level: LogThreshold): Logger;
  /** The default token store: the token file under `directory` (default: the host's). */
  createTokenStore(options: { directory: string | undefined; logger: Logger }): TokenStore;
  /** The default cursor store: the cursor file under `directory`, or exactly `file`. */
  createCursorStore(options: {
    directory: string | undefined;
    file: string | undefined;
    logger: Logger;
  }): CursorStore;
  /** Starts a push delivery served on `host:port`, registering `publicOrigin` (see `startPushDelivery`). */
  startPushDelivery(options: {
    host: string;
    port: number;
    publicOrigin: string | undefined;
    logger: Logger;
  }): Promise<ServedPushDelivery>;
  /**
   * Calls `listener` on the first of `signals`; a second one must end the process the default
   * way. Returns a function that removes the listeners.
   */
  onStopSignals(signals: readonly string[], listener: (signal: string) => void): () => void;
}
