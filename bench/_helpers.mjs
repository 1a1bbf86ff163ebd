// Shared bits for benchmark modules.

/** The p-th percentile (0..100) of unsorted numbers, linear interpolation. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export const ms = (value) => `${value.toFixed(3)} ms`;
export const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
