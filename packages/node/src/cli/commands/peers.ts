import type { Command } from '../command.js';
import { notAvailableYet } from './not-available.js';

/** `molecule-agent peers`: the workspaces this agent can talk to. */
export const peersCommand: Command = {
  name: 'peers',
  summary: 'list the workspaces this agent can reach (siblings, children, parent)',
  description: 'Lists the peers the platform shows this workspace: id, name, role, status and URL.',
  positionals: [],
  flags: [],
  uses: ['platform-url', 'workspace-id', 'token', 'token-dir', 'org-id', 'origin'],
  examples: ['molecule-agent peers', 'molecule-agent peers --json'],
  async run() {
    throw notAvailableYet('peers', 'the agent client from @molecule-ai/agent-core');
  },
};
