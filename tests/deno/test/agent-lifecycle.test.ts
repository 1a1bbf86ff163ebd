/**
 * A whole agent lifecycle under Deno: the platform simulator served by `Deno.serve`, and an agent
 * built from the core (client, poll delivery, agent loop) with the Node package's file token store.
 * It registers, pulls its secrets, answers a canvas message, and stops when the platform pauses it.
 */
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgentClient } from '@molecule-ai/agent-core';
import { createPollDelivery } from '@molecule-ai/agent-core/inbound';
import { runAgentLoopWithPorts } from '@molecule-ai/agent-core/loops';
import { createFileTokenStore } from '@molecule-ai/agent-node';
import { createPlatformSim } from '@molecule-ai/platform-sim';

function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`expected ${what}`);
}

Deno.test('an agent registers, pulls secrets, answers a message and stops when paused', async () => {
  const sim = createPlatformSim({ seed: 11, allowPlaceholderUrl: true });
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, (request) =>
    sim.fetch(request),
  );
  const directory = await mkdtemp(join(tmpdir(), 'molecule-deno-agent-'));
  try {
    const platformUrl = `http://127.0.0.1:${server.addr.port}`;
    const workspace = await sim.admin.createWorkspace({ external: true, name: 'deno-agent' });
    await sim.admin.setSecrets(workspace.id, { GREETING: 'hello from the platform' });
    const tokenStore = createFileTokenStore({ directory });
    if (workspace.token) await tokenStore.save(workspace.id, workspace.token);
    const client = createAgentClient({ workspaceId: workspace.id, platformUrl, tokenStore });

    await client.register();
    const secrets = await client.pullSecrets();
    check(secrets.GREETING === 'hello from the platform', 'the secret set by the operator');
    const [tokenFile] = await readdir(directory, { recursive: true });
    check(tokenFile, 'the token written into the token directory');

    const seen: string[] = [];
    const run = runAgentLoopWithPorts(
      (message) => {
        seen.push(message.text);
        // Pausing from inside the handler makes the next state poll end the loop.
        void sim.admin.pause(workspace.id);
        return `echo: ${message.text}`;
      },
      {
        client,
        delivery: createPollDelivery({ client, intervalMs: 20 }),
        heartbeatIntervalMs: 20,
        statePollIntervalMs: 20,
      },
    );
    await sim.admin.sendCanvasMessage(workspace.id, 'ping');
    const exit = await run;

    check(exit.reason === 'paused', `the loop to stop as paused, got ${exit.reason}`);
    check(seen.join() === 'ping', `the handler to see "ping" once, saw ${JSON.stringify(seen)}`);
    const replies = sim.admin
      .activity(workspace.id)
      .filter((row) => JSON.stringify(row).includes('echo: ping'));
    check(replies.length > 0, 'the reply "echo: ping" in the workspace activity');
    check(
      sim.requests.some((r) => r.path === '/registry/heartbeat'),
      'a heartbeat',
    );
    const mode = (await stat(join(directory, tokenFile))).mode;
    check(
      (mode & 0o077) === 0,
      `the token store's files closed to others, got ${(mode & 0o777).toString(8)}`,
    );
  } finally {
    await server.shutdown();
    await Deno.remove(directory, { recursive: true });
  }
});
