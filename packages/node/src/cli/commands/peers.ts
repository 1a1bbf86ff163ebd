import type { Command } from '../command.js';
import { createCliClient } from '../create-cli-client.js';
import { ExitCode } from '../exit-codes.js';

function table(rows: string[][]): string[] {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** `molecule-agent peers`: the workspaces this agent can talk to. */
export const peersCommand: Command = {
  name: 'peers',
  summary: 'list the workspaces this agent can reach (siblings, children, parent)',
  description: 'Lists the peers the platform shows this workspace: id, name, role, status and URL.',
  positionals: [],
  flags: [
    {
      name: 'query',
      kind: 'string',
      env: 'MOLECULE_PEERS_QUERY',
      placeholder: 'TEXT',
      description: 'only peers whose name or role contains TEXT (case-insensitive)',
    },
  ],
  uses: ['platform-url', 'workspace-id', 'token', 'token-dir', 'org-id', 'origin'],
  examples: ['molecule-agent peers', 'molecule-agent peers --query research --json'],
  async run({ settings, logger, json, print, printJson }) {
    const { client } = createCliClient(settings, logger);
    const query = settings.string('query');
    const peers = await client.getPeers(query === undefined ? {} : { q: query });
    if (json) {
      printJson(peers);
      return ExitCode.ok;
    }
    if (peers.length === 0) {
      print('no peers');
      return ExitCode.ok;
    }
    const rows = [['ID', 'NAME', 'ROLE', 'STATUS', 'URL']];
    for (const peer of peers) rows.push([peer.id, peer.name, peer.role || '-', peer.status, peer.url || '-']);
    for (const line of table(rows)) print(line);
    return ExitCode.ok;
  },
};
