import { ConfigError } from '@molecule-ai/agent-core';
import { readFileIfExists } from './atomic-file.js';

/**
 * A file store's file as text, or `null` when it does not exist. Any other failure (permissions,
 * a directory in the way) is a {@link ConfigError} naming the file: the agent cannot fix it alone.
 */
export async function readStoreFile(path: string, what: string): Promise<string | null> {
  try {
    return await readFileIfExists(path);
  } catch (error) {
    throw new ConfigError(`cannot read the ${what} file ${path}`, { cause: error });
  }
}
