import { createPlatformSim, type PlatformSim, type PlatformSimOptions } from '@molecule-ai/platform-sim';

/** The platform simulator served by `Bun.serve` on 127.0.0.1 (it is a neutral fetch handler). */
export interface BunPlatform {
  sim: PlatformSim;
  url: string;
  close(): Promise<void>;
}

/** Starts a simulator on a free port of 127.0.0.1 with `Bun.serve`. */
export function startBunPlatform(options: PlatformSimOptions = {}): BunPlatform {
  const sim = createPlatformSim({ rateLimit: false, ...options });
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    reusePort: false,
    fetch: (request, bunServer) => {
      const ip = bunServer.requestIP(request)?.address;
      return sim.fetch(request, ip === undefined ? {} : { ip });
    },
  });
  return { sim, url: `http://127.0.0.1:${server.port}`, close: () => server.stop(true) };
}

/**
 * Resolves once `condition()` holds, checking every 10 ms (after running `refresh`, if given);
 * fails after `timeoutMs`.
 */
export async function until(
  condition: () => boolean,
  what: string,
  timeoutMs = 10_000,
  refresh?: () => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await refresh?.();
    if (condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

/** `METHOD path status` of every request the simulator saw. */
export function requestLines(sim: PlatformSim): string[] {
  return sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
}
