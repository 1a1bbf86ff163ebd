// Shared bits for benchmark modules.
import { readdirSync, readFileSync } from 'node:fs';

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

/** Clock ticks per second of /proc's CPU times (USER_HZ on Linux). */
const TICKS_PER_SECOND = 100;

/** The workerd processes started by this process (Miniflare spawns one). Linux only (/proc). */
export function workerdPids() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'workerd' && ppid === process.pid) pids.push(Number(entry));
    } catch {
      // the process ended while listing
    }
  }
  return pids;
}

/** CPU time (user + system) of the processes in ms, from /proc (ticks of 10 ms). */
export function cpuMsOf(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}
