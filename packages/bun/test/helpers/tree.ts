import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Every entry below `dir`: files as their text, directories as `<dir>`, symlinks as `-> target`. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const relPath = rel ? `${rel}/${name}` : name;
      const info = lstatSync(join(dir, relPath));
      if (info.isSymbolicLink()) out[relPath] = `-> ${readlinkSync(join(dir, relPath))}`;
      else if (info.isDirectory()) {
        out[relPath] = '<dir>';
        walk(relPath);
      } else out[relPath] = readFileSync(join(dir, relPath), 'utf8');
    }
  };
  walk('');
  return out;
}

/** The plugin sink's version folders `.v-<name>-<8 hex>`; an installed plugin is a link to one. */
const VERSION_FOLDER = /^\.v-.+-[0-9a-f]{8}$/;

/** The names directly inside `dir`, sorted (empty when it does not exist), without the sink's version folders. */
export function listDirectory(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => !VERSION_FOLDER.test(name))
      .sort();
  } catch {
    return [];
  }
}
