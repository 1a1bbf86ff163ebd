import { ConfigError, type MessageHandler } from '@molecule-ai/agent-core';
import {
  type AgentHandlerContext,
  type AgentLoopClient,
  type LoopExit,
  runAgentLoopWithPorts,
} from '@molecule-ai/agent-core/loops';
import { createFileCursorStore } from '../../stores/file-cursor-store.js';
import type { Command } from '../command.js';
import { createCliClient } from '../create-cli-client.js';
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
--reported-url is published every start. Then it heartbeats, watches the workspace state, polls
for inbound messages and passes each one to your handler; a string it returns is sent back as
the reply. The inbound cursor is saved after every message, so a restart neither loses nor
repeats messages.

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
  ],
  async run({ io, settings, logger, json, print, printJson }) {
    // Everything local is checked before the first request, the handler first (as in Python).
    const handlerSpec = settings.required(
      'handler',
      'the function that answers messages, e.g. --handler ./agent.js#onMessage',
    );
    const handler = (await loadHandler(handlerSpec, io.cwd)) as unknown as MessageHandler<
      AgentHandlerContext<AgentLoopClient>
    >;
    const pollSeconds = settings.seconds('poll-interval') ?? 5;
    const heartbeatSeconds = settings.seconds('heartbeat-interval');
    const stateSeconds = settings.seconds('state-interval');
    const concurrency = settings.count('concurrency');
    if (concurrency === 0) throw new ConfigError('--concurrency must be at least 1');
    const maxIterations = settings.count('max-iterations');
    const { client, tokens, platformUrl } = createCliClient(settings, logger);
    const tokenDir = settings.path('token-dir');
    const cursorFile = settings.path('cursor-file');
    const cursorStore = createFileCursorStore({
      ...(tokenDir === undefined ? {} : { directory: tokenDir }),
      ...(cursorFile === undefined ? {} : { file: cursorFile }),
      logger,
    });

    const announce = (event: string, text: string, fields: Record<string, unknown> = {}): void => {
      if (json) printJson({ event, workspaceId: tokens.workspaceId, ...fields });
      else print(`[molecule] ${text}`);
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
    let exit: LoopExit;
    try {
      // Python skipped register when a token was cached, so a new card or URL was never published.
      try {
        await client.register({ signal: controller.signal });
      } catch (error) {
        if (controller.signal.aborted && received !== undefined) {
          return received === 'SIGINT' ? ExitCode.interrupted : ExitCode.ok;
        }
        throw withRegisterHint(error, settings.string('reported-url') !== undefined);
      }
      announce(
        'connected',
        `connected as ${tokens.workspaceId} (platform=${platformUrl}, delivery=poll, interval=${pollSeconds}s)`,
        { platformUrl, delivery: 'poll', pollIntervalSeconds: pollSeconds },
      );
      exit = await runAgentLoopWithPorts(handler, {
        client,
        cursorStore,
        pollIntervalMs: pollSeconds * 1000,
        ...(heartbeatSeconds === undefined ? {} : { heartbeatIntervalMs: heartbeatSeconds * 1000 }),
        ...(stateSeconds === undefined ? {} : { statePollIntervalMs: stateSeconds * 1000 }),
        ...(concurrency === undefined ? {} : { concurrency }),
        ...(maxIterations === undefined ? {} : { maxIterations }),
        signal: controller.signal,
        logger,
      });
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
