import type { Command } from '../command.js';
import { notAvailableYet } from './not-available.js';

/** `molecule-agent connect --handler ./file.js#fn`: run the agent loop with a user handler. */
export const connectCommand: Command = {
  name: 'connect',
  summary: 'run the agent: register, heartbeat, receive messages and answer them with your handler',
  description: `Runs the agent until the platform pauses or deletes the workspace, or until Ctrl-C.
It registers first (with the cached token, so a new agent card or --reported-url is published),
then heartbeats, polls for inbound messages and passes each one to your handler. A string
returned by the handler is sent back as the reply.

The handler is a function exported by a JavaScript module: './agent.js#onMessage' names an
export, './agent.js' the default export. Paths are relative to the current directory.`,
  positionals: [],
  flags: [
    {
      name: 'handler',
      kind: 'string',
      env: 'MOLECULE_HANDLER',
      placeholder: 'FILE[#EXPORT]',
      description: 'module and export of the message handler',
    },
  ],
  uses: [
    'platform-url',
    'workspace-id',
    'token',
    'token-dir',
    'org-id',
    'origin',
    'agent-name',
    'reported-url',
    'poll-interval',
    'cursor-file',
  ],
  examples: [
    'molecule-agent connect --handler ./agent.js#onMessage',
    'MOLECULE_PLATFORM_URL=https://molecule.example MOLECULE_WORKSPACE_ID=$ID molecule-agent connect --handler ./agent.js',
  ],
  async run() {
    throw notAvailableYet('connect', 'the agent client and loop from @molecule-ai/agent-core');
  },
};
