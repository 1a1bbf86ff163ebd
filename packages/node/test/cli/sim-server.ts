import { createPlatformSim, type PlatformSim } from '@molecule-ai/platform-sim';
import { type PlatformServer, startPlatformServer } from '@molecule-ai/platform-sim/node';

type SimOptions = NonNullable<Parameters<typeof createPlatformSim>[0]>;

/** A platform simulator behind a real HTTP listener on 127.0.0.1. */
export interface RunningSim {
  sim: PlatformSim;
  server: PlatformServer;
  url: string;
  close(): Promise<void>;
}

/** Starts a simulator (poll-only placeholder URLs accepted unless told otherwise). */
export async function startSim(options: SimOptions = {}): Promise<RunningSim> {
  const sim = createPlatformSim({ allowPlaceholderUrl: true, ...options });
  const server = await startPlatformServer(sim, { port: 0, host: '127.0.0.1' });
  return { sim, server, url: server.url, close: () => server.close() };
}
