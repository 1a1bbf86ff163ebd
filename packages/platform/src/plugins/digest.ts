/**
 * The server's `manifest.json` integrity digest (`plugins/supply_chain.go: computeStagedDigest`):
 * sha256 over the bytewise-sorted concatenation of `"<relpath>\x00<content>"` for every regular
 * file except the top-level `manifest.json`, as lowercase hex.
 */
import { concatBytes } from '../bytes.js';
import { sha256Hex } from '../tokens.js';
import { type PluginFiles, type PluginTree, toPluginTree } from './tree.js';

const utf8 = new TextEncoder();

function compareU8(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Digest of a staged tree. */
export async function computeTreeDigest(tree: PluginTree): Promise<string> {
  const entries: Uint8Array[] = [];
  for (const [path, node] of tree) {
    if (node.type !== 'file' || path === 'manifest.json') continue;
    entries.push(concatBytes([utf8.encode(`${path}\x00`), node.content]));
  }
  entries.sort(compareU8);
  return sha256Hex(concatBytes(entries));
}

/**
 * The `sha256` a plugin's `manifest.json` must declare for the platform to serve it.
 * Use it to build plugins that pass (or, altered, fail) the integrity check.
 */
export function computePluginManifestDigest(files: PluginFiles): Promise<string> {
  return computeTreeDigest(toPluginTree(files));
}

/** `VerifyManifestIntegrity`: `null` when fine, else the reason. */
export async function verifyManifest(tree: PluginTree): Promise<string | null> {
  const manifest = tree.get('manifest.json');
  if (manifest?.type !== 'file') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(manifest.content));
  } catch {
    return 'parse manifest.json';
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.hasOwn(parsed, 'sha256'))
    return null;
  const declared = (parsed as { sha256: unknown }).sha256;
  if (typeof declared !== 'string') return 'sha256 field must be a string';
  const computed = await computeTreeDigest(tree);
  return declared.toLowerCase() === computed
    ? null
    : `sha256 mismatch — declared ${declared}, computed ${computed}`;
}
