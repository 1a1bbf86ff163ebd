import { MoleculeError } from '@molecule-ai/agent-core';
import { resolveWorkspaceTokens } from '../agent-settings.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';

const SOURCE_TEXT = {
  option: 'the --token option',
  env: 'the MOLECULE_WORKSPACE_TOKEN environment variable',
  file: 'the token file',
} as const;

/** `molecule-agent token`: where the token comes from and whether there is one; the token itself only with --show. */
export const tokenCommand: Command = {
  name: 'token',
  summary: 'show where the workspace token comes from (never the token unless --show)',
  description: `Shows which token the other commands would use for the workspace: one supplied with
--token or MOLECULE_WORKSPACE_TOKEN, or the one in the token file. The token itself is printed
only with --show (alone on stdout, for scripts; inside the object with --json).

Sub-commands:
  token recover   mint a new token with an admin credential and save it to the token file`,
  positionals: [],
  flags: [{ name: 'show', kind: 'boolean', description: 'print the token itself' }],
  uses: ['workspace-id', 'token', 'token-dir'],
  examples: ['molecule-agent token --workspace-id $ID', 'export TOKEN=$(molecule-agent token --show)'],
  async run({ settings, logger, json, print, printJson }) {
    const tokens = resolveWorkspaceTokens(settings, logger);
    const show = settings.boolean('show');
    const path = tokens.file.describe(tokens.workspaceId);
    const fileToken = await tokens.file.load(tokens.workspaceId);
    const token = await tokens.store.load(tokens.workspaceId);
    const source = tokens.supplied ?? (fileToken === null ? null : 'file');

    if (json) {
      printJson({
        workspaceId: tokens.workspaceId,
        present: token !== null,
        source,
        file: path,
        fileHasToken: fileToken !== null,
        ...(show && token !== null ? { token } : {}),
      });
      return token === null && show ? ExitCode.failure : ExitCode.ok;
    }
    if (show) {
      if (token === null) {
        throw new MoleculeError(
          `no token for workspace ${tokens.workspaceId}: none supplied and none in ${path}; ` +
            "run 'molecule-agent register', or 'molecule-agent token recover' if it was lost",
        );
      }
      print(token);
      return ExitCode.ok;
    }
    print(`workspace  ${tokens.workspaceId}`);
    print(
      `token      ${token === null ? 'none' : `present, from ${SOURCE_TEXT[source ?? 'file']} (use --show to print it)`}`,
    );
    print(`file       ${path}${fileToken === null ? ' (no token saved)' : ' (token saved)'}`);
    if (token === null) {
      print(
        "hint       run 'molecule-agent register' to get one, or 'molecule-agent token recover' if it was lost",
      );
    }
    return ExitCode.ok;
  },
};
