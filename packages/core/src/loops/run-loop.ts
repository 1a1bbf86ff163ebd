import type { AgentClient } from '../client/create-agent-client.js';
import type { InboundDelivery } from '../inbound/inbound-delivery.js';
import type { HandlerContext, MessageHandler } from '../inbound/message-handler.js';
import { createPollDelivery } from '../inbound/poll-delivery.js';
import { type Clock, type Random, systemClock, systemRandom } from '../ports/clock.js';
import type { CursorStore } from '../ports/cursor-store.js';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';
import { checkDuration } from '../util/duration-limit.js';
import { type AgentTickContext, performTick } from './agent-tick.js';
import { createAgentTickContext } from './agent-tick-context.js';
import { warnTickFailures } from './failure-warnings.js';
import type { LoopClient } from './loop-client.js';
import { type LoopPolicy, resolveLoopPolicy } from './loop-policy.js';
import { initialLoopState } from './loop-state.js';
import { type LoopAction, type LoopEvent, nextLoopAction } from './next-loop-action.js';
import type { LoopStopReason } from './stop-reason.js';

/** How a loop ended. */
export interface LoopExit {
  reason: LoopStopReason;
  /** Ticks performed. */
  iterations: number;
  /** The last status `/state` reported, or `null`. */
  lastStatus: string | null;
}

/** A running loop: await it for its {@link LoopExit}, or `stop()` it. */
export interface LoopRun extends PromiseLike<LoopExit> {
  /** Settles when the loop has ended and every in-flight handler has finished. */
  readonly done: Promise<LoopExit>;
  /** Ends the loop with `aborted` after draining in-flight handlers. Idempotent. */
  stop(): Promise<LoopExit>;
}

/** Options shared by both loops. */
export interface LoopOptions {
  /** Heartbeat cadence. Default 30 s. */
  heartbeatIntervalMs?: number;
  /** `/state` cadence. Default 30 s. */
  statePollIntervalMs?: number;
  /** Stop after this many ticks (`0`: before any I/O). */
  maxIterations?: number;
  /** Consecutive 401s on `/state` that mean revoked. Default 3. */
  revokedAfterUnauthorized?: number;
  /** Upper bound of retry delays. Default 60 s. */
  backoffMaxMs?: number;
  /** What the heartbeat reports (Python's `task_supplier`); default: the handlers in flight. */
  taskReport?: () => unknown | undefined;
  /** Stops the loop (drained) when it aborts. */
  signal?: AbortSignal | undefined;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
}

/** Options of {@link runHeartbeatLoopWithPorts}. */
export interface HeartbeatLoopWithPortsOptions extends LoopOptions {
  client: LoopClient;
}

/** The context handlers of the agent loop receive. */
export interface AgentHandlerContext<Client = AgentLoopClient> extends HandlerContext {
  client: Client;
}

/**
 * The client the agent loop runs: one made by `createAgentClient`, since replies to peers are sent
 * as it (`sendMessage`).
 */
export type AgentLoopClient = AgentClient;

/** Options of {@link runAgentLoopWithPorts}. */
export interface AgentLoopWithPortsOptions<Client extends AgentLoopClient = AgentLoopClient>
  extends LoopOptions {
  client: Client;
  /** How messages arrive. Default: a poll delivery on `client` with `cursorStore`. */
  delivery?: InboundDelivery;
  /** For the default poll delivery: where the cursor is kept. Default: memory. */
  cursorStore?: CursorStore | undefined;
  /** For the default poll delivery: poll cadence. Default 5 s. */
  pollIntervalMs?: number | undefined;
  /** Handlers running at once. Default 1 (in order). */
  concurrency?: number | undefined;
}

/** Zero-delay ticks in a row that may run on microtasks before one yields a whole macrotask. */
const TICKS_PER_HOST_YIELD = 32;

/** Runs ticks of `context` until a stop; `signal` (the caller's) stops it drained. */
function startRunner(context: AgentTickContext, signal: AbortSignal | undefined): LoopRun {
  const { policy, clock, random, delivery, dispatcher } = context;
  const logger = context.logger ?? silentLogger;
  const controller = new AbortController();
  const onExternalAbort = (): void => controller.abort();
  if (signal?.aborted) controller.abort();
  else signal?.addEventListener('abort', onExternalAbort, { once: true });
  const tickContext: AgentTickContext = { ...context, signal: controller.signal };

  const decide = (state: LoopAction['state'], event: LoopEvent): LoopAction =>
    nextLoopAction(state, event, { policy, now: clock.now(), random });

  // A zero-delay tick (the next message of a fetched batch, the next page of a backlog) goes on at
  // once; every TICKS_PER_HOST_YIELD of them the loop lets timers and I/O run. A macrotask on every
  // tick would cost the 1 ms setTimeout clamp per message when draining a backlog.
  let zeroDelayTicks = 0;
  async function sleep(delayMs: number, waitForSlot: boolean): Promise<void> {
    if (delayMs <= 0 && !waitForSlot) {
      zeroDelayTicks++;
      if (zeroDelayTicks % TICKS_PER_HOST_YIELD !== 0) return;
      return new Promise((resolve) => setTimeout(resolve, 0));
    }
    const sleeper = new AbortController();
    const wake = (): void => sleeper.abort();
    controller.signal.addEventListener('abort', wake, { once: true });
    if (waitForSlot && dispatcher) void dispatcher.whenAvailable(sleeper.signal).then(wake);
    try {
      await clock.sleep(delayMs, sleeper.signal);
    } catch (error) {
      // Woken early (a free slot, or stop): that is what the signal is for.
      if (!sleeper.signal.aborted) throw error;
    } finally {
      sleeper.abort();
      controller.signal.removeEventListener('abort', wake);
    }
  }

  const done = (async (): Promise<LoopExit> => {
    delivery?.attach?.(dispatcher!);
    let action = decide(initialLoopState(clock.now()), { type: 'start' });
    try {
      for (;;) {
        if (controller.signal.aborted && action.action !== 'stop')
          action = decide(action.state, { type: 'abort' });
        if (action.action === 'stop') {
          logger.info('agent loop stopped', { reason: action.reason, iterations: action.state.iteration });
          return {
            reason: action.reason,
            iterations: action.state.iteration,
            lastStatus: action.state.lastStatus,
          };
        }
        if (action.action === 'tick') {
          const nextDue = {
            heartbeat: action.state.heartbeat.dueAt,
            statePoll: action.state.statePoll.dueAt,
          };
          const { outcome, errors } = await performTick(action.plan, { ...tickContext, nextDue });
          action = decide(action.state, { type: 'tick', outcome });
          warnTickFailures(errors, action, clock.now(), logger);
        } else {
          await sleep(action.delayMs, action.waitForSlot);
          if (!controller.signal.aborted) action = decide(action.state, { type: 'wake' });
        }
      }
    } finally {
      signal?.removeEventListener('abort', onExternalAbort);
      // A delivery that fails to stop must not cost the caller the exit reason (Python's finally
      // logged delivery.stop() errors too).
      try {
        await delivery?.stop();
      } catch (error) {
        logger.warn('the inbound delivery failed to stop', {
          reason: error instanceof Error ? error.message : String(error),
        });
      }
      await dispatcher?.whenIdle();
    }
  })();

  return {
    done,
    // biome-ignore lint/suspicious/noThenProperty: a LoopRun is awaitable on purpose.
    then: (onFulfilled, onRejected) => done.then(onFulfilled, onRejected),
    stop() {
      controller.abort();
      return done;
    },
  };
}

function policyOf(options: LoopOptions, deliveryIntervalMs: number | null): LoopPolicy {
  return resolveLoopPolicy({
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    statePollIntervalMs: options.statePollIntervalMs,
    maxIterations: options.maxIterations ?? null,
    revokedAfterUnauthorized: options.revokedAfterUnauthorized,
    backoffMaxMs: options.backoffMaxMs,
    deliveryIntervalMs,
  });
}

/**
 * Heartbeats and watches `/state` until the workspace is paused, deleted or revoked, the signal
 * aborts, or `maxIterations` ticks ran. Backs off with jitter while the platform is unreachable.
 * Resolves with a typed {@link LoopExit} (Python returned the server's raw status).
 */
export function runHeartbeatLoopWithPorts(options: HeartbeatLoopWithPortsOptions): LoopRun {
  return startRunner(
    {
      client: options.client,
      policy: policyOf(options, null),
      clock: options.clock ?? systemClock,
      random: options.random ?? systemRandom,
      logger: options.logger ?? silentLogger,
      delivery: null,
      dispatcher: null,
      taskReport: options.taskReport,
    },
    options.signal,
  );
}

/**
 * Runs the agent: heartbeats, delivers inbound messages to `handler` (poll by default, or the
 * given delivery), sends replies, and watches `/state`; stops like {@link runHeartbeatLoopWithPorts}.
 *
 * Handlers run `concurrency` at a time; one that throws is logged and its message is done (not
 * retried forever). A returned string is the reply: a canvas user gets a `notify`, a peer an
 * A2A message through the proxy, a pushed request its JSON-RPC response; an empty or whitespace
 * string sends nothing. `stop()` (or the signal) ends the loop after in-flight handlers finish.
 */
export function runAgentLoopWithPorts<Client extends AgentLoopClient>(
  handler: MessageHandler<AgentHandlerContext<Client>>,
  options: AgentLoopWithPortsOptions<Client>,
): LoopRun {
  const logger = options.logger ?? silentLogger;
  const { client } = options;
  if (options.pollIntervalMs !== undefined) checkDuration('pollIntervalMs', options.pollIntervalMs);
  const delivery =
    options.delivery ??
    createPollDelivery({
      client,
      logger,
      cursorStore: options.cursorStore,
      intervalMs: options.pollIntervalMs,
    });
  const context = createAgentTickContext<AgentHandlerContext<Client>>({
    client,
    replyClient: client,
    handler,
    handlerContext: { client },
    delivery,
    policy: policyOf(options, delivery.intervalMs),
    clock: options.clock ?? systemClock,
    random: options.random ?? systemRandom,
    logger,
    concurrency: options.concurrency,
    taskReport: options.taskReport,
  });
  return startRunner(context, options.signal);
}
