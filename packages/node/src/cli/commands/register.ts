import { BadRequestError } from '@molecule-ai/agent-core';
import { explainRegisterRefusal, PLACEHOLDER_REPORTED_URL } from '@molecule-ai/agent-core/agent';
import type { Command } from '../command.js';
import { createCliClient } from '../create-cli-client.js';
import { ExitCode } from '../exit-codes.js';

const SOURCE_TEXT = {
  option: 'the --token option',
  env: 'MOLECULE_WORKSPACE_TOKEN',
  file: 'the token file',
} as const;

/** The ways out of a refused registration, in the CLI's words. */
const CLI_REFUSAL_WORDING = {
  servePushes:
    "serve pushes: 'molecule-agent connect --listen [HOST:]PORT --public-url URL' (MOLECULE_LISTEN, MOLECULE_PUBLIC_URL)",
  simulatorPlaceholder: 'molecule-platform-sim --allow-placeholder-url',
};

/**
 * Puts a register 400 in the CLI's words. The client already explains the refusal from the URL
 * it sent; when that was the poll-only placeholder the ways out are CLI options, so the
 * explanation is rebuilt with their names.
 */
export function withRegisterHint(error: unknown, sentPlaceholder: boolean): unknown {
  if (!(error instanceof BadRequestError) || !sentPlaceholder) return error;
  const original = error.cause instanceof BadRequestError ? error.cause : error;
  return new BadRequestError(
    `${original.message}; ${explainRegisterRefusal(PLACEHOLDER_REPORTED_URL, CLI_REFUSAL_WORDING)}`,
    {
      status: error.status,
      method: error.method,
      path: error.path,
      body: error.body,
      cause: original,
    },
  );
}

/** The settings a registration reads (the client's, the agent card's and the URL); `connect` registers too. */
export const REGISTER_SETTINGS: readonly string[] = [
  'platform-url',
  'workspace-id',
  'token',
  'token-dir',
  'org-id',
  'origin',
  'agent-name',
  'reported-url',
];

/** `molecule-agent register`: register the workspace, mint or confirm its token and cache it. */
export const registerCommand: Command = {
  name: 'register',
  summary: 'register with the platform and save the token it issues (or confirm the cached one)',
  description: `Registers the workspace with the platform, sending the agent card and URL. The first
registration returns a token, which is saved to the token file; later registrations send the
cached (or supplied) token and update the agent card and URL. The token is never printed.`,
  positionals: [],
  flags: [],
  uses: REGISTER_SETTINGS,
  examples: ['molecule-agent register --platform-url https://molecule.example --workspace-id $ID'],
  async run({ settings, logger, json, print, printJson }) {
    const { client, tokens } = createCliClient(settings, logger);
    let result: Awaited<ReturnType<typeof client.register>>;
    try {
      result = await client.register();
    } catch (error) {
      throw withRegisterHint(error, settings.string('reported-url') === undefined);
    }
    const path = tokens.file.describe(tokens.workspaceId);
    const source = result.issued ? 'file' : (tokens.supplied ?? 'file');
    if (json) {
      printJson({
        ok: true,
        workspaceId: tokens.workspaceId,
        status: result.status,
        issued: result.issued,
        tokenSource: source,
        tokenFile: path,
      });
    } else if (result.issued) {
      print(`registered ${tokens.workspaceId}: the platform issued a token, saved to ${path}`);
    } else {
      print(`registered ${tokens.workspaceId} with the token from ${SOURCE_TEXT[source]}`);
    }
    return ExitCode.ok;
  },
};
