import type { Command } from '../command.js';
import { notAvailableYet } from './not-available.js';

/** `molecule-agent state`: the workspace's status as the platform reports it. */
export const stateCommand: Command = {
  name: 'state',
  summary: 'show the workspace status (online, paused, deleted...)',
  description: 'Asks the platform for the workspace state and prints its status, paused and deleted flags.',
  positionals: [],
  flags: [],
  uses: ['platform-url', 'workspace-id', 'token', 'token-dir', 'org-id', 'origin'],
  examples: ['molecule-agent state --json'],
  async run() {
    throw notAvailableYet('state', 'the agent client from @molecule-ai/agent-core');
  },
};
