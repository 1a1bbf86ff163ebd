import { createAgentClient } from '../client/create-agent-client.js';
import type { InboundDelivery } from '../inbound/inbound-delivery.js';
import type { ServedPushDelivery } from '../inbound/push-delivery.js';
import { runAgentLoopWithPorts } from '../loops/run-loop.js';
import type { Logger } from '../ports/logger.js';
import type { AgentHost } from './agent-host.js';
import { resolveAgentSettings } from './agent-settings.js';
import type { AgentEvent, AgentExit, AgentHandler, RunAgentOptions } from './run-agent-options.js';

const DEFAULT_POLL_INTERVAL_MS = 5_000;

function originOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

/**
 * `runAgent` on a given host: the whole batteries-included agent, written once for every
 * long-running runtime. Reads the options and `MOLECULE_*`, registers (serving pushes when a
 * listen address or public URL is set, else polling), runs the agent loop until the platform
 * pauses or deletes the workspace, the token is refused, or a stop signal arrives, and resolves
 * with the exit. Rejects with a ConfigError before any I/O when the settings are wrong, and with
 * the platform's error when the registration fails.
 */
export async function runAgentWithHost(
  handler: AgentHandler,
  options: RunAgentOptions,
  host: AgentHost,
): Promise<AgentExit> {
  const settings = resolveAgentSettings(options, options.env ?? host.env);
  const logger: Logger = options.logger ?? host.createLogger(settings.logLevel);
  const emit = (event: AgentEvent): void => {
    try {
      options.onEvent?.(event);
    } catch (error) {
      logger.error('onEvent threw', { event: event.type, error });
    }
  };
  const tokenStore = options.tokenStore ?? host.createTokenStore({ directory: settings.tokenDir, logger });
  const cursorStore =
    options.cursorStore ??
    host.createCursorStore({ directory: settings.tokenDir, file: settings.cursorFile, logger });

  const controller = new AbortController();
  let stoppedBy: string | null = null;
  const onExternalAbort = (): void => controller.abort();
  if (options.signal?.aborted) controller.abort();
  else options.signal?.addEventListener('abort', onExternalAbort, { once: true });
  // Listen before the first request, so a signal at any point stops cleanly.
  const detachSignals = host.onStopSignals(options.stopSignals ?? ['SIGINT', 'SIGTERM'], (signal) => {
    stoppedBy = signal;
    logger.info(`received ${signal}: finishing messages in flight, then exiting`);
    emit({ type: 'stopping', signal });
    controller.abort();
  });
  const stoppedEarly = (): AgentExit => ({
    reason: 'aborted',
    iterations: 0,
    lastStatus: null,
    signal: stoppedBy,
  });

  let push: ServedPushDelivery | undefined;
  try {
    if (settings.push !== null) {
      if (settings.reportedUrl !== undefined) {
        logger.warn('serving pushes: the reported URL setting is ignored, the push server URL is registered');
      }
      push = await host.startPushDelivery({
        host: settings.push.host,
        port: settings.push.port,
        publicOrigin: settings.push.publicOrigin,
        logger,
      });
    }
    const client = createAgentClient({
      workspaceId: settings.workspaceId,
      platformUrl: settings.platformUrl,
      tokenStore,
      token: settings.token,
      orgId: settings.orgId,
      origin: settings.origin,
      agentCard: settings.agentCard,
      reportedUrl: push?.url ?? settings.reportedUrl,
      logger,
      fetch: options.fetch,
      transport: options.transport ?? (options.fetch === undefined ? host.transport : undefined),
      clock: options.clock,
      random: options.random,
      retry: options.retry,
      timeouts: options.timeouts,
    });
    if (controller.signal.aborted) return stoppedEarly();
    try {
      await client.register({ signal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted) return stoppedEarly();
      throw error;
    }
    const pollIntervalMs = settings.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    const connected: AgentEvent = {
      type: 'connected',
      workspaceId: settings.workspaceId,
      platformUrl: client.platformUrl,
      delivery: push ? 'push' : 'poll',
      publicOrigin: push ? originOf(push.url) : null,
      listen: push ? `${push.server.host}:${push.server.port}` : null,
      pollIntervalMs: push ? null : pollIntervalMs,
    };
    logger.info(`connected as ${settings.workspaceId}`, {
      platform: client.platformUrl,
      delivery: connected.delivery,
      ...(push ? { url: connected.publicOrigin, listen: connected.listen } : { pollIntervalMs }),
    });
    emit(connected);

    const timed: AgentHandler = async (message, context) => {
      const started = performance.now();
      let status: 'handled' | 'failed' = 'failed';
      try {
        const result = await handler(message, context);
        status = 'handled';
        return result;
      } finally {
        emit({
          type: 'message',
          status,
          messageId: message.id,
          source: message.source,
          sourceId: message.sourceId,
          delivery: message.delivery,
          durationMs: Math.round(performance.now() - started),
        });
      }
    };
    const delivery: InboundDelivery | undefined = push;
    // The loop stops the push delivery (and its server) when it ends.
    push = undefined;
    const exit = await runAgentLoopWithPorts(timed, {
      client,
      delivery,
      cursorStore,
      pollIntervalMs,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      statePollIntervalMs: settings.statePollIntervalMs,
      concurrency: settings.concurrency,
      maxIterations: settings.maxIterations,
      taskReport: options.taskReport,
      clock: options.clock,
      random: options.random,
      signal: controller.signal,
      logger,
    });
    logger.info('agent stopped', { reason: exit.reason, iterations: exit.iterations });
    return { ...exit, signal: stoppedBy };
  } finally {
    detachSignals();
    options.signal?.removeEventListener('abort', onExternalAbort);
    await push?.stop();
  }
}
