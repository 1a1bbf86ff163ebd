import type { TestTarEntry } from './test-archives.js';

/**
 * A plugin whose tree holds relative symlinks that stay inside it (`CLAUDE.md -> AGENTS.md`, a link
 * to a link, to a folder, to the excluded root `plugin.yaml`, one level up from a folder, and a
 * dangling one), for install and hash tests of a `PluginSink` that keeps links.
 */
export const LINKED_PLUGIN: readonly TestTarEntry[] = [
  { name: 'plugin.yaml', content: 'name: linked\n' },
  { name: 'AGENTS.md', content: '# Agents\n' },
  { name: 'docs/guide.md', content: 'guide\n' },
  { name: 'CLAUDE.md', type: 'symlink', linkname: 'AGENTS.md' },
  { name: 'chain.md', type: 'symlink', linkname: 'CLAUDE.md' },
  { name: 'docs-link', type: 'symlink', linkname: 'docs' },
  { name: 'dangling.md', type: 'symlink', linkname: 'missing.md' },
  { name: 'alias.yaml', type: 'symlink', linkname: 'plugin.yaml' },
  { name: 'docs/up.md', type: 'symlink', linkname: '../AGENTS.md' },
];

/**
 * The hash the Python SDK's `compute_plugin_sha256` gives {@link LINKED_PLUGIN} on disk (computed
 * with CPython 3.11's pathlib): a link to a file is hashed as that file under the link's own path,
 * a link to a folder is neither entered nor hashed, a dangling link is skipped.
 */
export const LINKED_PLUGIN_PYTHON_SHA256 = '1b2875dfb3464a8aadee1f74a41d223b0f35f74fa9b998608c70df2f0449b927';
