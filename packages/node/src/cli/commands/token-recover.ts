import type { Command } from '../command.js';
import { notAvailableYet } from './not-available.js';

/** `molecule-agent token recover`: mint a fresh token with an admin credential and save it. */
export const tokenRecoverCommand: Command = {
  name: 'token recover',
  summary: 'mint a new workspace token with an admin credential and save it to the token file',
  description: `The platform shows a workspace token only once. If it was lost (the token file deleted,
a new machine), an administrator can mint another one: this command calls
POST /workspaces/<id>/tokens with the admin credential and saves the new token to the token file.
The token is not printed unless --show is given.`,
  positionals: [],
  flags: [
    {
      name: 'admin-token',
      kind: 'string',
      env: 'MOLECULE_ADMIN_TOKEN',
      placeholder: 'TOKEN',
      description: 'admin credential of the platform (ADMIN_TOKEN or an org token)',
    },
    { name: 'show', kind: 'boolean', description: 'also print the new token' },
  ],
  uses: ['platform-url', 'workspace-id', 'token-dir', 'org-id', 'origin'],
  examples: ['MOLECULE_ADMIN_TOKEN=... molecule-agent token recover --workspace-id $ID'],
  async run() {
    throw notAvailableYet('token recover', 'token minting in the agent client from @molecule-ai/agent-core');
  },
};
