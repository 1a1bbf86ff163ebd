#!/usr/bin/env node
// Runs the example worker locally: the platform simulator on a Node HTTP listener, and the worker
// (bundled from example/src) in Miniflare with the bindings, vars and cron of wrangler.jsonc, the
// simulator's URL as PLATFORM_URL and a real port for the push endpoint.
//
//   pnpm --filter @molecule-ai/agent-workers example          # tick every minute until Ctrl-C
//   pnpm --filter @molecule-ai/agent-workers example --once   # one tick, one message, exit
//   pnpm --filter @molecule-ai/agent-workers example --durable [--once]
//        the Durable Object variant (src/durable-worker.ts, wrangler.durable.jsonc): two workspaces,
//        one object each, running on their own alarms until Ctrl-C
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createPlatformSim } from '@molecule-ai/platform-sim';
import { startPlatformServer } from '@molecule-ai/platform-sim/node';
import { Miniflare } from 'miniflare';
import { unstable_readConfig } from 'wrangler';
import { bundleExampleWorker } from './bundle.mjs';

const CONFIG_PATH = fileURLToPath(new URL('./wrangler.jsonc', import.meta.url));
const DURABLE_CONFIG_PATH = fileURLToPath(new URL('./wrangler.durable.jsonc', import.meta.url));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the simulator and the example worker.
 * @param {{ log?: (line: string) => void }} [options]
 */
export async function startExample(options = {}) {
  const log = options.log ?? (() => {});
  // devMode: the simulator's A2A proxy may push to the worker on 127.0.0.1, as a dev platform does.
  const sim = createPlatformSim({ devMode: true, rateLimit: false });
  const platform = await startPlatformServer(sim, { port: 0, host: '127.0.0.1' });
  const { id: workspaceId } = await sim.admin.createWorkspace({
    name: 'echo-worker',
    external: true,
    url: 'https://placeholder.invalid/',
  });
  log(`platform simulator on ${platform.url}, workspace ${workspaceId}`);

  const config = unstable_readConfig({ config: CONFIG_PATH }, { hideWarnings: true });
  const crons = config.triggers?.crons ?? [];
  const port = await freePort();
  const { code } = await bundleExampleWorker({ minify: false });
  const mf = new Miniflare({
    name: config.name,
    modules: true,
    script: code,
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    kvNamespaces: config.kv_namespaces.map((kv) => kv.binding),
    bindings: {
      ...config.vars,
      PLATFORM_URL: platform.url,
      WORKSPACE_ID: workspaceId,
      // `localhost` by name: the platform refuses 127.0.0.1 literals at register, even in dev mode.
      PUBLIC_URL: `http://localhost:${port}`,
      PUSH_SECRET: randomBytes(24).toString('base64url'),
    },
    host: '127.0.0.1',
    port,
  });
  const workerUrl = await mf.ready;
  log(`worker "${config.name}" in Miniflare on ${workerUrl.origin}, crons ${JSON.stringify(crons)}`);

  return {
    sim,
    platform,
    mf,
    workspaceId,
    crons,
    /** Fires the worker's cron trigger once, like Cloudflare does every minute. */
    async tick() {
      const worker = await mf.getWorker();
      return worker.scheduled({ cron: crons[0] ?? '* * * * *', scheduledTime: new Date() });
    },
    /** Sends a canvas message through the platform; the platform pushes it to the worker. */
    sendMessage: (text) => sim.admin.sendCanvasMessage(workspaceId, text),
    async close() {
      await mf.dispose();
      await platform.close();
    },
  };
}

/**
 * Starts the simulator with two workspaces and the Durable Object example (src/durable-worker.ts)
 * in Miniflare with the Durable Object binding and vars of wrangler.durable.jsonc.
 * @param {{ log?: (line: string) => void }} [options]
 */
export async function startDurableExample(options = {}) {
  const log = options.log ?? (() => {});
  const sim = createPlatformSim({ devMode: true, rateLimit: false });
  const platform = await startPlatformServer(sim, { port: 0, host: '127.0.0.1' });
  const workspaceIds = [];
  for (const name of ['echo-object-1', 'echo-object-2']) {
    const { id } = await sim.admin.createWorkspace({
      name,
      external: true,
      url: 'https://placeholder.invalid/',
    });
    workspaceIds.push(id);
  }
  log(`platform simulator on ${platform.url}, workspaces ${workspaceIds.join(', ')}`);

  const config = unstable_readConfig({ config: DURABLE_CONFIG_PATH }, { hideWarnings: true });
  const crons = config.triggers?.crons ?? [];
  const port = await freePort();
  const controlSecret = randomBytes(24).toString('base64url');
  const { code } = await bundleExampleWorker({ minify: false, entry: 'durable-worker.ts' });
  const mf = new Miniflare({
    name: config.name,
    modules: true,
    script: code,
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    durableObjects: Object.fromEntries(
      config.durable_objects.bindings.map((binding) => [
        binding.name,
        { className: binding.class_name, useSQLite: true },
      ]),
    ),
    bindings: {
      ...config.vars,
      PLATFORM_URL: platform.url,
      WORKSPACE_IDS: workspaceIds.join(','),
      PUBLIC_URL: `http://localhost:${port}`,
      PUSH_SECRET: randomBytes(24).toString('base64url'),
      CONTROL_SECRET: controlSecret,
    },
    host: '127.0.0.1',
    port,
  });
  const workerUrl = await mf.ready;
  log(`worker "${config.name}" in Miniflare on ${workerUrl.origin}, one Durable Object per workspace`);

  const control = async (workspaceId, op) => {
    const response = await mf.dispatchFetch(`http://localhost:${port}/agents/${workspaceId}/${op}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${controlSecret}` },
    });
    if (!response.ok) throw new Error(`${op} of ${workspaceId} answered ${response.status}`);
    return response.json();
  };
  return {
    sim,
    platform,
    mf,
    workspaceIds,
    crons,
    /** Fires the cron once (it starts every listed agent that is not running), as Cloudflare would. */
    async startAll() {
      const worker = await mf.getWorker();
      return worker.scheduled({ cron: crons[0] ?? '*/10 * * * *', scheduledTime: new Date() });
    },
    /** Resolves once every object's first alarm has finished: registered, heartbeated, live. */
    async whenOnline(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const statuses = await Promise.all(workspaceIds.map((id) => control(id, 'status')));
        if (
          statuses.every((status) => status.registered) &&
          workspaceIds.every((id) => sim.admin.workspace(id)?.live)
        )
          return;
        if (Date.now() > deadline) throw new Error('the agents did not come online');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    /** `POST /agents/<id>/<op>` (start, resume, status) with the control secret. */
    control,
    /** Sends a canvas message through the platform, which pushes it to the workspace's object. */
    sendMessage: (workspaceId, text) => sim.admin.sendCanvasMessage(workspaceId, text),
    async close() {
      await mf.dispose();
      await platform.close();
    },
  };
}

async function mainDurable(once, log) {
  const example = await startDurableExample({ log });
  await example.startAll();
  await example.whenOnline();
  for (const id of example.workspaceIds) {
    const ws = example.sim.admin.workspace(id);
    log(
      `workspace ${id.slice(0, 8)} status=${ws.status} live=${ws.live} url=${ws.url.replace(/[^/]+$/, '<capability>')}`,
    );
  }
  for (const id of example.workspaceIds) {
    const reply = await example.sendMessage(id, 'hello from the canvas');
    log(
      `canvas message to ${id.slice(0, 8)} -> HTTP ${reply.status}: ${JSON.stringify(reply.body?.result?.parts ?? reply.body)}`,
    );
    const status = await example.control(id, 'status');
    log(
      `status of ${id.slice(0, 8)}: running=${status.running} next alarm in ${Math.round((status.nextAlarmAt - Date.now()) / 1000)} s`,
    );
  }
  if (once) {
    await example.close();
    return;
  }
  log('the objects heartbeat on their own alarms every 30 s (Ctrl-C to stop)');
  process.once('SIGINT', async () => {
    await example.close();
    process.exit(0);
  });
}

async function main() {
  const once = process.argv.includes('--once');
  const log = (line) => console.log(`[example] ${line}`);
  if (process.argv.includes('--durable')) return mainDurable(once, log);
  const example = await startExample({ log });
  const show = () => {
    const ws = example.sim.admin.workspace(example.workspaceId);
    const heartbeat = ws.lastHeartbeatAt ? new Date(ws.lastHeartbeatAt).toISOString() : 'never';
    log(
      `workspace status=${ws.status} live=${ws.live} lastHeartbeat=${heartbeat} url=${ws.url.replace(/[^/]+$/, '<secret>')}`,
    );
  };
  const tick = async () => {
    const outcome = await example.tick();
    log(`cron tick: ${outcome.outcome}`);
    show();
  };
  await tick();
  const reply = await example.sendMessage('hello from the canvas');
  log(`canvas message -> HTTP ${reply.status}: ${JSON.stringify(reply.body?.result?.parts ?? reply.body)}`);
  if (once) {
    await example.close();
    return;
  }
  log('ticking every 60 s (Ctrl-C to stop)');
  const timer = setInterval(() => void tick().catch((error) => log(`tick failed: ${error}`)), 60_000);
  process.once('SIGINT', async () => {
    clearInterval(timer);
    await example.close();
    process.exit(0);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
