import { expect, it } from 'vitest';

// Samples that are whole programs: importing one runs it (top-level await included), so a sample
// that throws or never finishes fails here. Samples that are tests (samples/*.test.ts) run as such.
it('the platform README: the Node listener starts on a free port and closes', async () => {
  await expect(import('../samples/platform-node-listener.js')).resolves.toBeDefined();
});

it('the platform README: the fault plan is accepted by createPlatformSim', async () => {
  await expect(import('../samples/platform-fault-injection.js')).resolves.toBeDefined();
});
