import { ConfigError, type InboundSource } from '@molecule-ai/agent-core';
import {
  type AgentEvent,
  type AgentExit,
  type AgentHandler,
  checkWorkspaceId,
  parseListenAddress,
  parsePublicUrl,
} from '@molecule-ai/agent-core/agent';
import { runAgent } from '../../agent/run-agent.js';
import { resolveAgentCard } from '../agent-settings.js';
import type { Command } from '../command.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { loadHandler } from '../load-handler.js';
import { REGISTER_SETTINGS, withRegisterHint } from './register.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** `molecule-agent connect --handler ./file.js#fn`: run the agent loop with a user handler. */
export const connectCommand: Command = {
  name: 'connect',
  summary: 'run the agent: register, heartbeat, receive messages and answer them with your handler',
  description: `Runs the agent until the platform pauses or deletes the workspace, or until it is stopped.
It registers first, also when a token is cached (sending it as bearer), so a new agent card or
URL is published every start. Then it heartbeats, watches the workspace state, receives inbound
messages and passes each one to your handler; a string it returns is sent back as the reply.
One line per message says how it went.

Messages arrive by push when --listen or --public-url is given: the agent serves HTTP on the
listen address (default 127.0.0.1, any free port) and registers the public URL ({port} becomes
the bound port; without --public-url a loopback address registers http://localhost:<port>).
Otherwise it polls; the inbound cursor is saved after every message, so a restart neither loses
nor repeats messages. A stock platform refuses poll-only agents at register: use push, or a
platform that accepts them (the simulator with --allow-placeholder-url).

The handler is a function exported by a JavaScript module, called as handler(message, context):
'./agent.js#onMessage' names an export, './agent.js' means the default export. Paths are relative
to the current directory.

Ctrl-C (SIGINT) or SIGTERM lets the messages in flight finish and saves the cursor; a second
signal ends the process at once. Exit: 0 when the platform paused or deleted the workspace or on
SIGTERM, 130 on SIGINT, 3 when the platform stopped accepting the token (revoked or deleted).`,
  positionals: [],
  flags: [
    {
      name: 'handler',
      kind: 'string',
      env: 'MOLECULE_HANDLER',
      placeholder: 'FILE[#EXPORT]',
      description: 'module and export of the message handler',
    },
    {
      name: 'heartbeat-interval',
      kind: 'string',
      env: 'MOLECULE_HEARTBEAT_INTERVAL',
      placeholder: 'SECONDS',
      description: 'seconds between heartbeats (default 30)',
    },
    {
      name: 'state-interval',
      kind: 'string',
      env: 'MOLECULE_STATE_INTERVAL',
      placeholder: 'SECONDS',
      description: 'seconds between workspace state checks (default 30)',
    },
    {
      name: 'concurrency',
      kind: 'string',
      env: 'MOLECULE_CONCURRENCY',
      placeholder: 'N',
      description: 'messages handled at once (default 1: in order)',
    },
    {
      name: 'listen',
      kind: 'string',
      env: 'MOLECULE_LISTEN',
      placeholder: '[HOST:]PORT',
      description: 'serve pushes on this address (host default 127.0.0.1, port 0 = any free one)',
    },
    {
      name: 'public-url',
      kind: 'string',
      env: 'MOLECULE_PUBLIC_URL',
      placeholder: 'URL',
      description: 'URL the platform pushes to, e.g. https://agent.example.com or http://localhost:{port}',
    },
    {
      name: 'max-iterations',
      kind: 'string',
      env: 'MOLECULE_MAX_ITERATIONS',
      placeholder: 'N',
      description: 'stop after N loop ticks (default: run until stopped)',
    },
  ],
  uses: [...REGISTER_SETTINGS, 'poll-interval', 'cursor-file'],
  examples: [
    'molecule-agent connect --handler ./agent.js#onMessage',
    'MOLECULE_PLATFORM_URL=https://molecule.example MOLECULE_WORKSPACE_ID=$ID molecule-agent connect --handler ./agent.js',
    "molecule-agent connect --handler ./agent.js --listen 127.0.0.1:0 --public-url 'http://localhost:{port}'",
  ],
  async run({ io, settings, logger, json, print, printJson }) {
    // Everything local is checked before the first request, the handler first (as in Python).
    const handlerSpec = settings.required(
      'handler',
      'the function that answers messages, e.g. --handler ./agent.js#onMessage',
    );
    const handler = (await loadHandler(handlerSpec, io.cwd)) as unknown as AgentHandler;
    const pollSeconds = settings.seconds('poll-interval') ?? 5;
    const heartbeatSeconds = settings.seconds('heartbeat-interval');
    const stateSeconds = settings.seconds('state-interval');
    const concurrency = settings.count('concurrency');
    if (concurrency === 0) throw new ConfigError('--concurrency must be at least 1');
    const maxIterations = settings.count('max-iterations');
    const listenRaw = settings.raw('listen');
    if (listenRaw !== undefined) parseListenAddress(listenRaw.value, listenRaw.from);
    const publicUrlRaw = settings.raw('public-url');
    if (publicUrlRaw !== undefined) parsePublicUrl(publicUrlRaw.value, publicUrlRaw.from);
    const platformUrl = settings.url('platform-url') ?? settings.required('platform-url');
    const workspaceId = settings.required('workspace-id');
    checkWorkspaceId(workspaceId, settings.raw('workspace-id')?.from);
    const reportedUrl = settings.url('reported-url');
    const push = listenRaw !== undefined || publicUrlRaw !== undefined;

    const announce = (event: string, text: string, fields: Record<string, unknown> = {}): void => {
      if (json) printJson({ event, workspaceId, ...fields });
      else print(`[molecule] ${text}`);
    };
    let connected = false;
    const onEvent = (event: AgentEvent): void => {
      if (event.type === 'connected') {
        connected = true;
        const where =
          event.delivery === 'push'
            ? `delivery=push, url=${event.publicOrigin}, listen=${event.listen}`
            : `delivery=poll, interval=${pollSeconds}s`;
        announce('connected', `connected as ${workspaceId} (platform=${platformUrl}, ${where})`, {
          platformUrl,
          delivery: event.delivery,
          ...(event.delivery === 'push'
            ? { url: event.publicOrigin, listen: event.listen }
            : { pollIntervalSeconds: pollSeconds }),
        });
      } else if (event.type === 'message') {
        const from = describeSender(event.source, event.sourceId);
        const text =
          event.status === 'handled'
            ? `handled message ${event.messageId} from ${from} in ${event.durationMs} ms`
            : `failed message ${event.messageId} from ${from} after ${event.durationMs} ms (the handler threw)`;
        announce('message', text, {
          status: event.status,
          messageId: event.messageId,
          source: event.source,
          sourceId: event.sourceId,
          delivery: event.delivery,
          durationMs: event.durationMs,
        });
      }
    };
    const controller = new AbortController();
    let received: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received !== undefined) {
        // A second signal: the user does not want to wait for in-flight messages.
        process.exit(signal === 'SIGINT' ? ExitCode.interrupted : 143);
      }
      received = signal;
      announce('stopping', `received ${signal}: finishing messages in flight, then exiting`, { signal });
      controller.abort();
    };
    // Listen before the first request, so a signal at any point stops cleanly.
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    let exit: AgentExit;
    try {
      try {
        // The settings were read above (flag over variable), so runAgent reads no environment.
        exit = await runAgent(handler, {
          env: {},
          platformUrl,
          workspaceId,
          token: settings.string('token'),
          tokenDir: settings.path('token-dir'),
          orgId: settings.string('org-id'),
          origin: settings.string('origin'),
          agentCard: resolveAgentCard(settings, workspaceId),
          reportedUrl: push ? undefined : reportedUrl,
          listen: listenRaw?.value,
          publicUrl: publicUrlRaw?.value,
          cursorFile: settings.path('cursor-file'),
          pollIntervalMs: pollSeconds * 1000,
          heartbeatIntervalMs: heartbeatSeconds === undefined ? undefined : heartbeatSeconds * 1000,
          statePollIntervalMs: stateSeconds === undefined ? undefined : stateSeconds * 1000,
          concurrency,
          maxIterations,
          logger,
          stopSignals: [],
          signal: controller.signal,
          onEvent,
        });
      } catch (error) {
        throw withRegisterHint(error, !push && reportedUrl === undefined);
      }
      if (!connected && received !== undefined) {
        // Stopped before the loop started: nothing was connected, nothing to report.
        return received === 'SIGINT' ? ExitCode.interrupted : ExitCode.ok;
      }
    } finally {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    }

    const fields = { reason: exit.reason, iterations: exit.iterations, lastStatus: exit.lastStatus };
    let code: ExitCodeValue = ExitCode.ok;
    switch (exit.reason) {
      case 'paused':
      case 'deleted':
        announce('stopped', `platform reports workspace ${exit.reason}: exiting`, fields);
        break;
      case 'revoked':
        announce(
          'stopped',
          'platform no longer accepts the token (revoked, or the workspace was deleted)',
          fields,
        );
        io.stderr.write(
          'molecule-agent: error: the platform refuses this workspace token (401 on every state check): ' +
            "the token was revoked or the workspace deleted; see 'molecule-agent token recover'\n",
        );
        code = ExitCode.refused;
        break;
      case 'aborted':
        announce('stopped', 'stopped cleanly', { ...fields, signal: received ?? null });
        code = received === 'SIGINT' ? ExitCode.interrupted : ExitCode.ok;
        break;
      case 'max-iterations':
        announce('stopped', `ran ${exit.iterations} iterations: exiting`, fields);
        break;
    }
    return code;
  },
};

/**
 * Who sent a message, in words. A pushed call carries no caller identity (the platform sends none),
 * so its sender is unidentified rather than guessed.
 */
function describeSender(source: InboundSource, sourceId: string | null): string {
  if (sourceId !== null) return `peer ${sourceId}`;
  return source === 'canvas_user' ? 'the canvas' : 'an unidentified sender';
}
