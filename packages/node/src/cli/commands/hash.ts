import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '@molecule-ai/agent-core';
import { assertSha256Hex } from '@molecule-ai/agent-core/plugins';
import { hashPluginDirectory } from '../../plugins/plugin-directory-hash.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';

async function requireDirectory(cwd: string, dir: string): Promise<string> {
  const path = resolve(cwd, dir);
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new ConfigError(`${dir} does not exist`);
  if (!info.isDirectory()) throw new ConfigError(`${dir} is not a directory`);
  return path;
}

/** `molecule-agent hash <dir>`: the Python SDK's plugin content hash of a directory. */
export const hashCommand: Command = {
  name: 'hash',
  summary: 'print the plugin content hash of a directory (the Python SDK algorithm)',
  description: `Computes the plugin content hash of a directory exactly as the Python SDK's
compute_plugin_sha256 does: SHA-256 over the sorted [path, sha256] pairs of every file (dotfiles
included, symlinked files followed) except the root plugin.yaml. Put the result in plugin.yaml's
sha256 field, or pin it with 'verify' or 'install-plugin --sha256'.`,
  positionals: [{ name: 'dir', description: 'the plugin directory' }],
  flags: [],
  uses: [],
  examples: ['molecule-agent hash ./my-plugin', 'molecule-agent hash ./my-plugin --json'],
  async run({ io, positionals, json, print, printJson }) {
    const dir = positionals[0] as string;
    const path = await requireDirectory(io.cwd, dir);
    const sha256 = await hashPluginDirectory(path);
    if (json) printJson({ directory: path, sha256 });
    else print(sha256);
    return ExitCode.ok;
  },
};

/** `molecule-agent verify <dir> <sha256>`: compares a directory's content hash with an expected one. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check a directory against an expected plugin content hash (exit 1 on mismatch)',
  description: `Computes the plugin content hash of a directory (see 'hash') and compares it with the
expected value. Exits 0 when they match and 1 when they differ (the Python SDK's verify-sha256 only
printed the hash). An expected value that is not 64 hex characters is a usage error (2).`,
  positionals: [
    { name: 'dir', description: 'the plugin directory' },
    { name: 'sha256', description: 'the expected hash, 64 hex characters' },
  ],
  flags: [],
  uses: [],
  examples: [
    'molecule-agent verify ./my-plugin 38bd93611b8f1f2b3abb8cba218adffa0a078d8a65c76ea4cd087e150babf10d',
  ],
  async run({ io, positionals, json, print, printJson }) {
    const [dir, given] = positionals as [string, string];
    // Upper-case hex is the same digest; anything else that is not 64 hex digits is a typo.
    const expected = given.trim().toLowerCase();
    assertSha256Hex(expected, 'the expected sha256');
    const path = await requireDirectory(io.cwd, dir);
    const actual = await hashPluginDirectory(path);
    const match = actual === expected;
    if (json) printJson({ ok: match, directory: path, expected, actual });
    if (!match) {
      io.stderr.write(
        `molecule-agent: error: ${dir} does not match: expected ${expected}, computed ${actual}\n`,
      );
      return ExitCode.failure;
    }
    if (!json) print(`ok: ${dir} matches ${expected}`);
    return ExitCode.ok;
  },
};

/** `molecule-agent verify-sha256 <dir>`: the Python SDK's command name for {@link hashCommand}. */
export const verifySha256Command: Command = {
  ...hashCommand,
  name: 'verify-sha256',
  summary: "the same as 'hash', under the Python SDK's command name",
  description: `The Python SDK's 'python -m molecule_agent verify-sha256 DIR': prints the plugin content
hash of a directory, exactly as 'hash' does (the bare hash, without Python's "Computed SHA256:" prefix,
so scripts can read it). To compare with an expected hash, use 'verify'.`,
  examples: ['molecule-agent verify-sha256 ./my-plugin'],
};
