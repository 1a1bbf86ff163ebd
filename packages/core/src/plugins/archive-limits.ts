import { ConfigError } from '../errors.js';
import {
  DEFAULT_MAX_PATH_BYTES,
  DEFAULT_MAX_PLUGIN_BYTES,
  DEFAULT_MAX_PLUGIN_ENTRIES,
} from './archive-policy.js';
import type { PluginArchiveLimits } from './install-types.js';
import { DEFAULT_MAX_TAR_METADATA_BYTES, DEFAULT_MAX_TAR_METADATA_TOTAL_BYTES } from './tar-reader.js';

/** {@link PluginArchiveLimits} with every default filled in. */
export type ResolvedArchiveLimits = Required<
  Pick<
    PluginArchiveLimits,
    | 'maxBytes'
    | 'maxEntries'
    | 'maxPathBytes'
    | 'maxCompressedBytes'
    | 'maxDecompressedBytes'
    | 'maxMetadataBytes'
    | 'maxMetadataTotalBytes'
  >
> &
  Pick<PluginArchiveLimits, 'allowSymlinks' | 'allowCaseCollisions'>;

function positive(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new ConfigError(`${what} must be a positive integer`);
  return value;
}

/**
 * Fills in the default caps and checks the given ones (positive integers, else `ConfigError`).
 * The decompressed cap defaults to `maxBytes` plus 2 KiB per allowed entry plus 1 MiB, which
 * covers every honest archive's headers and padding while still stopping a gzip bomb early.
 */
export function resolveArchiveLimits(limits: PluginArchiveLimits = {}): ResolvedArchiveLimits {
  const maxBytes = positive(limits.maxBytes, DEFAULT_MAX_PLUGIN_BYTES, 'maxBytes');
  const maxEntries = positive(limits.maxEntries, DEFAULT_MAX_PLUGIN_ENTRIES, 'maxEntries');
  const maxDecompressedBytes = positive(
    limits.maxDecompressedBytes,
    maxBytes + maxEntries * 2048 + 1024 * 1024,
    'maxDecompressedBytes',
  );
  return {
    maxBytes,
    maxEntries,
    maxPathBytes: positive(limits.maxPathBytes, DEFAULT_MAX_PATH_BYTES, 'maxPathBytes'),
    maxDecompressedBytes,
    maxCompressedBytes: positive(limits.maxCompressedBytes, maxDecompressedBytes, 'maxCompressedBytes'),
    maxMetadataBytes: positive(limits.maxMetadataBytes, DEFAULT_MAX_TAR_METADATA_BYTES, 'maxMetadataBytes'),
    maxMetadataTotalBytes: positive(
      limits.maxMetadataTotalBytes,
      DEFAULT_MAX_TAR_METADATA_TOTAL_BYTES,
      'maxMetadataTotalBytes',
    ),
    allowSymlinks: limits.allowSymlinks,
    allowCaseCollisions: limits.allowCaseCollisions,
  };
}
