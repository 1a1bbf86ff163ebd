import { hostname } from 'node:os';

/**
 * Whether the process `pid` on `host` may still be running. Unknown means "maybe": only a
 * process on this host that the OS says does not exist is reported dead.
 */
export function mayBeAlive(pid: unknown, host: unknown): boolean {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return true;
  if (host !== hostname()) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
