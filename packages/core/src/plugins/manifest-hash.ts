import { ConfigError } from '../errors.js';
import { compareCodePoints, pythonJsonDumps } from './python-json.js';
import { sha256Hex } from './sha256.js';

/**
 * One file of a plugin tree for the manifest hash: its path relative to the plugin root (POSIX,
 * no leading `./`) and either its bytes or the lowercase hex SHA-256 of its bytes.
 */
export type ManifestFile = { path: string; sha256: string } | { path: string; bytes: Uint8Array };

/** The manifest hash of a plugin with no hashed files: SHA-256 of the two bytes `[]`. */
export const EMPTY_PLUGIN_MANIFEST_HASH: string =
  '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** True when `value` is a SHA-256 digest written as exactly 64 lowercase hex characters. */
export function isSha256Hex(value: unknown): boolean {
  return typeof value === 'string' && SHA256_HEX.test(value);
}

/**
 * Checks a caller-supplied expected hash. Deliberately stricter than the Python SDK, whose
 * `int(x, 16)` check also lets through uppercase, `0x`, signs and surrounding whitespace and then
 * fails the comparison anyway: here anything but 64 lowercase hex characters is a `ConfigError`
 * up front, so a typo is reported as a typo and not as tampering.
 */
export function assertSha256Hex(value: unknown, what = 'sha256'): asserts value is string {
  if (!isSha256Hex(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value;
    throw new ConfigError(`${what} must be a 64-character lowercase hex string, got ${shown}`);
  }
}

/**
 * The plugin content hash of the Python SDK (`compute_plugin_sha256`), bit for bit:
 * drop the root-level `plugin.yaml` (a nested `sub/plugin.yaml` is kept), sort paths by Unicode
 * code point, pair each path with the lowercase hex SHA-256 of its bytes, serialise the list of
 * pairs the way Python's `json.dumps` does (`ensure_ascii`, `", "` separators) and return the
 * lowercase hex SHA-256 of that ASCII text.
 *
 * Pure: it does no I/O. Bytes are hashed with `crypto.subtle`; pass `sha256` instead of `bytes`
 * when the digest is already known (e.g. computed while streaming). Duplicate paths are a
 * `ConfigError`, since a directory cannot hold two files with one name.
 */
export async function computePluginManifestHash(
  files: Iterable<ManifestFile> | AsyncIterable<ManifestFile>,
): Promise<string> {
  const pairs: [string, string][] = [];
  const seen = new Set<string>();
  for await (const file of files) {
    if (seen.has(file.path)) throw new ConfigError(`duplicate path in plugin manifest: ${file.path}`);
    seen.add(file.path);
    if (file.path === 'plugin.yaml') continue;
    let digest: string;
    if ('bytes' in file) {
      digest = await sha256Hex(file.bytes);
    } else {
      assertSha256Hex(file.sha256, `sha256 of ${file.path}`);
      digest = file.sha256;
    }
    pairs.push([file.path, digest]);
  }
  pairs.sort((a, b) => compareCodePoints(a[0], b[0]));
  return sha256Hex(new TextEncoder().encode(pythonJsonDumps(pairs)));
}

/**
 * Python's `verify_plugin_sha256`: true when the manifest hash of `files` equals `expected`.
 * `expected` must be 64 lowercase hex characters, else `ConfigError` (see {@link assertSha256Hex}).
 */
export async function verifyPluginManifestHash(
  files: Iterable<ManifestFile> | AsyncIterable<ManifestFile>,
  expected: string,
): Promise<boolean> {
  assertSha256Hex(expected, 'expected sha256');
  return (await computePluginManifestHash(files)) === expected;
}
