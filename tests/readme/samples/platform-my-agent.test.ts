// my-agent.test.ts — your agent against the simulated platform (vitest, Node)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlatformSim } from '@molecule-ai/platform-sim';
import { startPlatformServer } from '@molecule-ai/platform-sim/node';
import { expect, test } from 'vitest';

test('my agent registers, then answers a message from the canvas', async () => {
  // 1. A platform on a free port. devMode lets it push to agents listening on localhost.
  const sim = createPlatformSim({ devMode: true });
  const platform = await startPlatformServer(sim, { port: 0 });

  // 2. The agent: any HTTP server that accepts the platform's JSON-RPC push. Use your own here.
  const agent = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const rpc = JSON.parse(body);
      const text = rpc.params.message.parts[0].text;
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: rpc.id,
          result: { parts: [{ kind: 'text', text: `echo: ${text}` }] },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
  const agentUrl = `http://localhost:${(agent.address() as AddressInfo).port}`;

  // 3. It registers with the platform (your SDK does this) and gets its bearer token once.
  const workspaceId = crypto.randomUUID();
  const registered = await fetch(`${platform.url}/registry/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: workspaceId, url: agentUrl, agent_card: { name: 'echo' } }),
  });
  const { auth_token } = await registered.json();
  expect(auth_token).toHaveLength(43);

  // 4. Someone types in the canvas: the platform pushes to the agent and relays the reply.
  const reply = await sim.admin.sendCanvasMessage(workspaceId, 'hello');
  expect(reply.body).toMatchObject({ result: { parts: [{ kind: 'text', text: 'echo: hello' }] } });

  // 5. Assert on what went over the wire and on what the platform recorded.
  expect(sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
    'POST /registry/register 200',
    `POST /workspaces/${workspaceId}/a2a 200`,
  ]);
  expect(sim.admin.activity(workspaceId)[0]).toMatchObject({ activity_type: 'a2a_receive', status: 'ok' });

  agent.close();
  await platform.close();
});
