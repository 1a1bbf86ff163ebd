import { ConfigError } from '@molecule-ai/agent-core';

/** Longest file name (one path segment) in bytes on Linux, macOS and the usual file systems. */
export const MAX_NAME_BYTES = 255;
/** Longest whole path in bytes the kernel accepts on Linux (PATH_MAX, terminating NUL included). */
export const MAX_PATH_BYTES = 4096;

const encoder = new TextEncoder();

/** The path cut to a readable length for a message (it may be thousands of characters long). */
function shortPath(path: string): string {
  return path.length <= 120 ? path : `${path.slice(0, 60)}…${path.slice(-40)} (${path.length} characters)`;
}

/** Why `path` is too long, naming the limit it breaks, or `null` when it is within both limits. */
function tooLongReason(path: string): string | null {
  for (const segment of path.split(/[/\\]/)) {
    const bytes = encoder.encode(segment).length;
    if (bytes > MAX_NAME_BYTES) {
      return `the name ${JSON.stringify(segment.length > 40 ? `${segment.slice(0, 40)}…` : segment)} has ${bytes} bytes, more than the ${MAX_NAME_BYTES} a file name may have`;
    }
  }
  const bytes = encoder.encode(path).length;
  if (bytes >= MAX_PATH_BYTES) {
    return `it has ${bytes} bytes, more than the ${MAX_PATH_BYTES - 1} a path may have`;
  }
  return null;
}

/**
 * Refuses, before any I/O, a path the file system would reject as too long (a segment over
 * {@link MAX_NAME_BYTES} bytes or the whole over {@link MAX_PATH_BYTES}), with a
 * {@link ConfigError} that names the limit instead of a bare ENAMETOOLONG.
 */
export function assertPathLength(path: string, what: string): void {
  const reason = tooLongReason(path);
  if (reason !== null) {
    throw new ConfigError(`the ${what} ${shortPath(path)} is too long: ${reason}; choose a shorter one`);
  }
}

/**
 * The SDK error for a file-system error about a path that cannot exist as given (ENAMETOOLONG,
 * ELOOP), naming the limit; `undefined` for any other error, which the caller rethrows as it is.
 */
export function pathError(error: unknown, path: string): ConfigError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENAMETOOLONG') {
    const reason =
      tooLongReason(path) ??
      `a part of it, or the whole, is longer than this file system allows (names up to ${MAX_NAME_BYTES} bytes, paths up to ${MAX_PATH_BYTES - 1} bytes on Linux)`;
    return new ConfigError(`the path ${shortPath(path)} is too long: ${reason}; choose a shorter one`, {
      cause: error,
    });
  }
  if (code === 'ELOOP') {
    return new ConfigError(
      `the path ${shortPath(path)} cannot be resolved: it goes through too many symbolic links (or a loop of them)`,
      { cause: error },
    );
  }
  return undefined;
}
