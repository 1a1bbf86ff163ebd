import type { InboundMessage } from './inbound-message.js';

/**
 * What a handler returns: the reply text, or nothing. An empty or whitespace-only string counts
 * as nothing: no reply is sent (Python raised `ValueError` instead).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: handlers that return nothing are typed `void`.
export type HandlerResult = string | null | undefined | void;

/** What every handler receives besides the message. */
export interface HandlerContext {
  /** Aborts when the work should stop early (a forced shutdown, or a pushed caller hung up). */
  signal: AbortSignal;
}

/** A function that handles one inbound message and may return a reply. */
export type MessageHandler<Context extends HandlerContext = HandlerContext> = (
  message: InboundMessage,
  context: Context,
) => HandlerResult | Promise<HandlerResult>;

/** The reply text, or `null` when the result means "no reply" (absent, empty or whitespace). */
export function replyTextOf(result: unknown): string | null {
  return typeof result === 'string' && result.trim() !== '' ? result : null;
}
