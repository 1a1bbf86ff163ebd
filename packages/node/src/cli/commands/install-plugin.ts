import type { Command } from '../command.js';
import { notAvailableYet } from './not-available.js';

/** `molecule-agent install-plugin <name>`: download, verify and install a plugin. */
export const installPluginCommand: Command = {
  name: 'install-plugin',
  summary: 'download, check and install a plugin from the platform',
  description: `Downloads a plugin from the platform, checks every archive entry, verifies its hash and
installs it into the workspace's plugin directory, replacing the old version only once the new
one is complete. Shows a progress bar on a terminal and plain lines otherwise.`,
  positionals: [{ name: 'name', description: 'the plugin name' }],
  flags: [
    {
      name: 'source',
      kind: 'string',
      env: 'MOLECULE_PLUGIN_SOURCE',
      placeholder: 'SOURCE',
      description: 'where the platform fetches it from, e.g. github://acme/plugin',
    },
  ],
  uses: ['platform-url', 'workspace-id', 'token', 'token-dir', 'org-id', 'origin'],
  examples: [
    'molecule-agent install-plugin my-plugin',
    'molecule-agent install-plugin my-plugin --source github://acme/my-plugin',
  ],
  async run() {
    throw notAvailableYet('install-plugin', 'the plugin installer');
  },
};
