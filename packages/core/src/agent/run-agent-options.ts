import type { AgentClient } from '../client/create-agent-client.js';
import type { Timeouts } from '../client/options.js';
import type { RetryOption } from '../http/retry-policy.js';
import type { InboundMessage, InboundSource } from '../inbound/inbound-message.js';
import type { MessageHandler } from '../inbound/message-handler.js';
import type { AgentHandlerContext, LoopExit } from '../loops/run-loop.js';
import type { Clock, Random } from '../ports/clock.js';
import type { CursorStore } from '../ports/cursor-store.js';
import type { HttpTransport } from '../ports/http-transport.js';
import type { Logger } from '../ports/logger.js';
import type { TokenStore } from '../ports/token-store.js';
import type { AgentConnectionOptions } from './client-settings.js';

/** The handler `runAgent` calls for every message: return a string to reply. */
export type AgentHandler = MessageHandler<AgentHandlerContext<AgentClient>>;

/** What `runAgent` reports as it goes (`onEvent`): for status lines, metrics or tests. */
export type AgentEvent =
  | {
      type: 'connected';
      workspaceId: string;
      platformUrl: string;
      delivery: 'poll' | 'push';
      /** Push: the origin the platform pushes to (the path, a capability, is left out). */
      publicOrigin: string | null;
      /** Push: the bound address, `host:port`. */
      listen: string | null;
      /** Poll: the poll interval. */
      pollIntervalMs: number | null;
    }
  | {
      type: 'message';
      /** `failed`: the handler threw (the error is logged). */
      status: 'handled' | 'failed';
      messageId: string;
      source: InboundSource;
      sourceId: string | null;
      delivery: InboundMessage['delivery'];
      durationMs: number;
    }
  | { type: 'stopping'; signal: string };

/** Options of `runAgent`: every one optional, each falling back to its `MOLECULE_*` variable. */
export interface RunAgentOptions extends AgentConnectionOptions {
  /**
   * Serve pushes on this address: `PORT`, `HOST:PORT` or `[IPv6]:PORT` (host default 127.0.0.1,
   * port 0 picks a free one). Default `MOLECULE_LISTEN`. With neither this nor `publicUrl` the
   * agent polls.
   */
  listen?: string | number | undefined;
  /**
   * The origin the platform pushes to, e.g. `https://agent.example.com` or
   * `http://localhost:{port}` (`{port}` becomes the bound port). Default `MOLECULE_PUBLIC_URL`.
   * Setting it turns push on. Without it a loopback `listen` registers `http://localhost:<port>`.
   */
  publicUrl?: string | undefined;
  /** Poll cadence in ms. Default `MOLECULE_POLL_INTERVAL` (seconds), else 5 s. */
  pollIntervalMs?: number | undefined;
  /** Heartbeat cadence in ms. Default `MOLECULE_HEARTBEAT_INTERVAL` (seconds), else 30 s. */
  heartbeatIntervalMs?: number | undefined;
  /** `/state` cadence in ms. Default `MOLECULE_STATE_INTERVAL` (seconds), else 30 s. */
  statePollIntervalMs?: number | undefined;
  /** Handlers running at once. Default `MOLECULE_CONCURRENCY`, else 1 (in order). */
  concurrency?: number | undefined;
  /** Stop after this many loop ticks. Default `MOLECULE_MAX_ITERATIONS`, else run until stopped. */
  maxIterations?: number | undefined;
  /** One explicit cursor file. Default `MOLECULE_CURSOR_FILE`, else `<tokenDir>/<id>/inbound-cursor.json`. */
  cursorFile?: string | undefined;
  /** Where the token is kept. Default: the token file under `tokenDir`. */
  tokenStore?: TokenStore | undefined;
  /** Where the poll cursor is kept. Default: the cursor file under `tokenDir`. */
  cursorStore?: CursorStore | undefined;
  /**
   * Where log lines go. Default: stderr, warnings and errors only; `MOLECULE_LOG=debug|info|warn|error|silent`
   * changes the level.
   */
  logger?: Logger | undefined;
  /** Process signals that stop the agent cleanly. Default `['SIGINT', 'SIGTERM']`; `[]` for none. */
  stopSignals?: readonly string[] | undefined;
  /** Stops the agent cleanly when it aborts. */
  signal?: AbortSignal | undefined;
  /** Called with each {@link AgentEvent}. Must not throw (what it throws is logged). */
  onEvent?: ((event: AgentEvent) => void) | undefined;
  /** What the heartbeat reports; default: the handlers in flight. */
  taskReport?: (() => unknown) | undefined;
  /** How requests are sent (see `createAgentClient`). Default: the runtime's. Not together with `transport`. */
  fetch?: typeof fetch | undefined;
  /** How requests are sent (see `createAgentClient`). Default: the runtime's. */
  transport?: HttpTransport | undefined;
  clock?: Clock | undefined;
  random?: Random | undefined;
  retry?: RetryOption | undefined;
  timeouts?: Partial<Timeouts> | undefined;
}

/**
 * How `runAgent` ended: the loop's exit, plus the process signal that stopped it, if one did.
 * `reason` is `paused` or `deleted` (the platform said so), `revoked` (the platform refuses the
 * token), `aborted` (a signal or `options.signal`), or `max-iterations`.
 */
export interface AgentExit extends LoopExit {
  signal: string | null;
}
