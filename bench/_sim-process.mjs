// The platform simulator in its own process, so a benchmark's process.cpuUsage() counts the client
// only (the server's CPU is measured separately and reported). Talks over IPC:
//   parent -> { id, op: 'createWorkspaces', count, external }      -> { id, result: [{ id, token }] }
//   parent -> { id, op: 'queueMessages', workspaceId, count }     -> { id, result: count }
//   parent -> { id, op: 'stats' }                                  -> { id, result: { cpuMs, requests, rssBytes } }
// Started with the simulator options as JSON in argv[2]; prints nothing, sends { ready: url } first.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (process.send && process.argv[2] !== undefined && process.env.MOLECULE_BENCH_SIM_CHILD === '1') {
  const { createPlatformSim } = await import('@molecule-ai/platform-sim');
  const { startPlatformServer } = await import('@molecule-ai/platform-sim/node');
  const sim = createPlatformSim(JSON.parse(process.argv[2]));
  const server = await startPlatformServer(sim, { port: 0, host: '127.0.0.1' });
  let requests = 0;
  server.server.on('request', () => requests++);
  const ops = {
    async createWorkspaces({ count, external = true }) {
      const out = [];
      for (let i = 0; i < count; i++) out.push(await sim.admin.createWorkspace({ external }));
      return out;
    },
    async queueMessages({ workspaceId, count }) {
      for (let i = 0; i < count; i++) {
        const { status } = await sim.admin.sendCanvasMessage(workspaceId, `message ${i}`);
        if (status !== 202) throw new Error(`queueing message ${i} failed with ${status}`);
      }
      return count;
    },
    async stats() {
      const cpu = process.cpuUsage();
      return { cpuMs: (cpu.user + cpu.system) / 1000, requests, rssBytes: process.memoryUsage().rss };
    },
  };
  process.on('message', async (message) => {
    try {
      process.send({ id: message.id, result: await ops[message.op](message) });
    } catch (error) {
      process.send({ id: message.id, error: String(error?.stack ?? error) });
    }
  });
  process.on('disconnect', () => server.close().then(() => process.exit(0)));
  process.send({ ready: server.url });
}

/**
 * Starts the simulator in a child process. Returns its URL, `call(op, args)` and `close()`.
 * @param {object} simOptions createPlatformSim options (JSON-serialisable)
 */
export async function startSimProcess(simOptions = {}) {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(simOptions)], {
    env: { ...process.env, MOLECULE_BENCH_SIM_CHILD: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let nextId = 1;
  const url = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`simulator process exited with ${code}`)));
    child.once('message', (message) => resolve(message.ready));
  });
  child.on('message', (message) => {
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    if (message.error) entry.reject(new Error(message.error));
    else entry.resolve(message.result);
  });
  return {
    url,
    pid: child.pid,
    call(op, args = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, op, ...args });
      });
    },
    close() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      });
    },
  };
}
