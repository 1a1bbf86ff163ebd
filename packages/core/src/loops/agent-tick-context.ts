import type { AgentClient } from '../client/create-agent-client.js';
import type { InboundDelivery } from '../inbound/inbound-delivery.js';
import { createMessageDispatcher } from '../inbound/message-dispatcher.js';
import type { HandlerContext, MessageHandler } from '../inbound/message-handler.js';
import { replyToMessage } from '../inbound/reply-to-message.js';
import type { Clock, Random } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { AgentTickContext } from './agent-tick.js';
import type { LoopClient } from './loop-client.js';
import type { LoopPolicy } from './loop-policy.js';

/** Options of {@link createAgentTickContext}. */
export interface AgentTickContextOptions<Context extends HandlerContext> {
  /** The client the tick heartbeats and polls `/state` with. */
  client: LoopClient;
  /** Where replies go (a canvas `notify`, or an A2A message to a peer); see `replyToMessage`. */
  replyClient: AgentClient;
  handler: MessageHandler<Context>;
  /** What handlers receive besides `signal`. */
  handlerContext: Omit<Context, 'signal'>;
  /** How messages arrive; `null` for none (a push endpoint served elsewhere). */
  delivery: InboundDelivery | null;
  policy: LoopPolicy;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Handlers running at once. Default 1 (in order). */
  concurrency?: number | undefined;
  /** What the heartbeat reports; default: the handlers in flight. */
  taskReport?: () => unknown | undefined;
  /** See {@link AgentTickContext.waitForHandlers}. */
  waitForHandlers?: boolean | undefined;
}

/**
 * The tick context of an agent with a handler: the handler pool (a dispatcher whose replies are
 * routed with `replyToMessage` on `replyClient`) wired to the delivery. The long-running loop and
 * a Worker's tick both build theirs here, so replies are routed the same way on every host.
 */
export function createAgentTickContext<Context extends HandlerContext>(
  options: AgentTickContextOptions<Context>,
): AgentTickContext {
  const { replyClient, logger } = options;
  const dispatcher = createMessageDispatcher<Context>({
    handler: options.handler,
    context: options.handlerContext,
    logger,
    reply: (message, text) => replyToMessage(replyClient, message, text),
    concurrency: options.concurrency,
  });
  return {
    client: options.client,
    policy: options.policy,
    clock: options.clock,
    random: options.random,
    logger,
    delivery: options.delivery,
    dispatcher,
    taskReport: options.taskReport,
    waitForHandlers: options.waitForHandlers,
  };
}
