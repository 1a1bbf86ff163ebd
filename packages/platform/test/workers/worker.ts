// A tiny Worker that serves the simulator as its fetch handler (used by the workerd test run).
import { createPlatformSim, type PlatformSim } from '../../src/index.js';

let sim: PlatformSim | undefined;

export default {
  /** Created lazily: workerd forbids generating random values (the admin token) at module scope. */
  fetch(request: Request, _env: unknown, ctx?: { waitUntil(p: Promise<unknown>): void }): Promise<Response> {
    sim ??= createPlatformSim({ adminToken: 'worker-admin-token' });
    return sim.fetch(request, {
      ip: request.headers.get('CF-Connecting-IP') ?? 'unknown',
      ...(ctx ? { waitUntil: (p: Promise<unknown>) => ctx.waitUntil(p) } : {}),
    });
  },
};
