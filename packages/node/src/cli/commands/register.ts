import type { Command } from '../command.js';
import { notAvailableYet } from './not-available.js';

/** `molecule-agent register`: register the workspace, mint or confirm its token and cache it. */
export const registerCommand: Command = {
  name: 'register',
  summary: 'register with the platform and save the token it issues (or confirm the cached one)',
  description: `Registers the workspace with the platform. The first registration returns a token, which
is saved to the token file; later registrations send the cached token and update the agent card
and URL. The token is never printed.`,
  positionals: [],
  flags: [],
  uses: [
    'platform-url',
    'workspace-id',
    'token',
    'token-dir',
    'org-id',
    'origin',
    'agent-name',
    'reported-url',
  ],
  examples: ['molecule-agent register --platform-url https://molecule.example --workspace-id $ID'],
  async run() {
    throw notAvailableYet('register', 'the agent client from @molecule-ai/agent-core');
  },
};
