import { createPlatformSim } from '@molecule-ai/platform-sim';

const sim = createPlatformSim({
  seed: 1,
  faults: {
    rules: [
      {
        name: '5xx burst',
        method: 'GET',
        path: '/workspaces/:id/state',
        count: 3,
        fault: { type: 'status', status: 503 },
      },
      {
        path: '/registry/heartbeat',
        probability: 0.2,
        fault: [
          { type: 'latency', ms: 200 },
          { type: 'rate-limit', retryAfter: 0 },
        ],
      },
      { path: '/workspaces/:id/plugins/:name/download', skip: 1, count: 1, fault: { type: 'corrupt-body' } },
    ],
  },
});
