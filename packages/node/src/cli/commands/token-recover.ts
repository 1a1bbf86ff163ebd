import { recoverToken } from '../../stores/recover-token.js';
import type { Command } from '../command.js';
import { createCliClient } from '../create-cli-client.js';
import { ExitCode } from '../exit-codes.js';

/** `molecule-agent token recover`: mint a fresh token with an admin credential and save it. */
export const tokenRecoverCommand: Command = {
  name: 'token recover',
  summary: 'mint a new workspace token with an admin credential and save it to the token file',
  description: `The platform shows a workspace token only once. If it was lost (the token file deleted,
a new machine), an administrator can mint another one: this command calls
POST /workspaces/<id>/tokens with the admin credential and saves the new token to the token file
(--token-dir). The token is not printed unless --show is given.`,
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
  async run({ settings, logger, json, print, printJson }) {
    const adminToken = settings.required(
      'admin-token',
      'minting a token needs the platform admin credential',
    );
    const show = settings.boolean('show');
    const { client, tokens } = createCliClient(settings, logger, { tokenStore: 'file' });
    const { token } = await recoverToken({ client, adminToken });
    const path = tokens.file.describe(tokens.workspaceId);
    if (json) {
      printJson({ ok: true, workspaceId: tokens.workspaceId, tokenFile: path, ...(show ? { token } : {}) });
    } else {
      print(`minted a new token for ${tokens.workspaceId} and saved it to ${path}`);
      if (tokens.supplied !== undefined) {
        print(
          `note: ${tokens.supplied === 'env' ? 'MOLECULE_WORKSPACE_TOKEN' : '--token'} is set and still wins over the file`,
        );
      }
      if (show) print(token);
    }
    return ExitCode.ok;
  },
};
