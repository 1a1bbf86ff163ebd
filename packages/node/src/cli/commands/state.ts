import type { Command } from '../command.js';
import { createCliClient } from '../create-cli-client.js';
import { ExitCode } from '../exit-codes.js';

/** `molecule-agent state`: the workspace's status as the platform reports it. */
export const stateCommand: Command = {
  name: 'state',
  summary: 'show the workspace status (online, paused, deleted...)',
  description: `Asks the platform for the workspace state and prints its status and the paused and
deleted flags. Exits 0 whatever the state; a revoked or unknown token exits 3.`,
  positionals: [],
  flags: [],
  uses: ['platform-url', 'workspace-id', 'token', 'token-dir', 'org-id', 'origin'],
  examples: ['molecule-agent state', 'molecule-agent state --json'],
  async run({ settings, logger, json, print, printJson }) {
    const { client } = createCliClient(settings, logger);
    const state = await client.pollState();
    if (json) {
      printJson(state);
    } else {
      print(`workspace  ${state.workspaceId}`);
      print(`status     ${state.status}`);
      print(`paused     ${state.paused ? 'yes' : 'no'}`);
      print(`deleted    ${state.deleted ? 'yes' : 'no'}`);
    }
    return ExitCode.ok;
  },
};
