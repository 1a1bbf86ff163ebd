// The Worker the Durable Object benchmark runs in Miniflare (bundled by bench/durable-object.mjs):
//  - BenchAgent: the Workers package's Durable Object agent (poll-only, no-op handler), with a
//    route that runs its alarm n times in a row on a virtual clock moved by `step` ms before each;
//  - FloorObject: the least an idle poll alarm can do (one GET of the feed with bare fetch, one
//    setAlarm), the baseline of the CPU figure;
//  - the cron + KV agent (defineAgentWorker), whose ticks are the baseline of the throughput figure.
import { defineAgentDurableObject, defineAgentWorker } from '../packages/workers/dist/index.js';

let virtualNow = Date.now();
const clock = {
  now: () => virtualNow,
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    }),
};
let handled = 0;
const handler = () => {
  handled++;
};

const agents = defineAgentDurableObject({
  workspaces: (env) => env.WORKSPACE_IDS,
  namespace: (env) => env.AGENTS,
  platformUrl: (env) => env.PLATFORM_URL,
  clock,
  handler,
});

export class BenchAgent extends agents.DurableObject {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname !== '/bench/alarms') return super.fetch(request);
    const n = Number(url.searchParams.get('n'));
    const step = Number(url.searchParams.get('step'));
    for (let i = 0; i < n; i++) {
      virtualNow += step;
      await this.alarm();
    }
    return Response.json({ handled });
  }
}

export class FloorObject {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
  async fetch(request) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n'));
    for (let i = 0; i < n; i++) await this.alarm();
    return Response.json({ n });
  }
  async alarm() {
    const { PLATFORM_URL, FLOOR_WORKSPACE_ID, FLOOR_TOKEN } = this.env;
    const response = await fetch(
      `${PLATFORM_URL}/workspaces/${FLOOR_WORKSPACE_ID}/activity?type=a2a_receive&limit=100`,
      { headers: { authorization: `Bearer ${FLOOR_TOKEN}` } },
    );
    await response.json();
    // Far ahead: only the call is measured, the alarm must not fire during the run.
    await this.ctx.storage.setAlarm(Date.now() + 3_600_000);
  }
}

const kvAgent = defineAgentWorker({
  workspaceId: (env) => env.KV_WORKSPACE_ID,
  platformUrl: (env) => env.PLATFORM_URL,
  kv: (env) => env.AGENT_KV,
  clock,
  handler,
});

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n') ?? 1);
    if (url.pathname === '/bench/start') return Response.json(await agents.startAll(env));
    if (url.pathname === '/bench/alarms') {
      const id = url.searchParams.get('id');
      return env.AGENTS.get(env.AGENTS.idFromName(id)).fetch(request);
    }
    if (url.pathname === '/bench/floor') return env.FLOOR.get(env.FLOOR.idFromName('floor')).fetch(request);
    if (url.pathname === '/bench/ticks') {
      for (let i = 0; i < n; i++) {
        virtualNow += 30_000;
        await kvAgent.tick(env, ctx);
      }
      return Response.json({ handled });
    }
    if (url.pathname === '/bench/handled') return Response.json({ handled });
    return new Response(null, { status: 404 });
  },
};
