import { BadRequestError } from '@molecule-ai/agent-core';
import type { Command } from '../command.js';
import { createCliClient } from '../create-cli-client.js';
import { ExitCode } from '../exit-codes.js';

const SOURCE_TEXT = {
  option: 'the --token option',
  env: 'MOLECULE_WORKSPACE_TOKEN',
  file: 'the token file',
} as const;

/**
 * Adds the most likely fix to a register 400: the platform refuses every URL it cannot reach
 * (including the poll-only placeholder) with the same generic "invalid request body".
 */
export function withRegisterHint(error: unknown, reportedUrlGiven: boolean): unknown {
  if (!(error instanceof BadRequestError)) return error;
  const hint = reportedUrlGiven
    ? 'the platform refused the registration (it rejects agent URLs it cannot reach, private and loopback addresses included)'
    : 'the platform refused the registration; without --reported-url the poll-only placeholder URL is sent, which some platforms reject: pass a public http(s) --reported-url';
  return new BadRequestError(`${error.message}; ${hint}`, {
    status: error.status,
    method: error.method,
    path: error.path,
    body: error.body,
    cause: error,
  });
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
      throw withRegisterHint(error, settings.string('reported-url') !== undefined);
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
